"""Load a flow file: check its shape, then its meaning, and report every problem at once."""

from __future__ import annotations

from chatbot.catalog import message

import re
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.identifiers import NameRefused, checked
from chatbot.flow.conditions import Condition, ConditionReader, Named
from chatbot.flowfile.schema import FLOW
from chatbot.flow.model import (QUESTION_KINDS, Finding, Flow, Guidance, Option, Outcome, Question, Review, Route,
                                Rule, Transition, Welcome)
from chatbot.flowfile.bundled import bundled_flow_path
from chatbot.flowfile.changelog import read_changes
from chatbot.flow.problems import FlowError, Problem, did_you_mean
from chatbot.flowfile.shape import label
from chatbot.flow.text import SOURCE_SUFFIX, Text, source_hash
from chatbot.flowfile.source import Source, read_yaml
from chatbot.flow.windows import WINDOWS

RULE_LEVELS = ("emergency", "urgent")
EMERGENCY_NUMBER = re.compile(r"\+?[0-9][0-9 ()*#-]{0,19}")  # 911, 112, 000, "+44 20 7946 0000"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = {"emergency_number"}




def load_flow(path: str | Path | None = None) -> Flow:
    """The flow at `path` (the bundled one by default), or `FlowError` with every problem."""
    path = Path(path) if path is not None else bundled_flow_path()
    return _load_cached(str(path.resolve()), _display(path), _mtime(path))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=8)
def _load_cached(path: str, display: str, mtime: float) -> Flow:
    return FlowLoader(read_yaml(path, display)).load()


class FlowLoader:
    """Turns a `Source` into a `Flow`, collecting problems instead of stopping at the first."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []
        self.sources: list[tuple] = []  # (position, text's label, language, kept hash, English): `Flow.translations`

    def load(self) -> Flow:
        data = self.source.data
        if data is None:
            raise FlowError([self.source.problem((), message("the file is empty: a flow starts with 'flow: NAME'"))])
        FLOW.check(data, (), self.report)
        if not isinstance(data, dict):
            raise FlowError(self.problems)
        flow = self.build(data)
        flow.translations = tuple(self.sources)
        self.check_meaning(flow, data)
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            raise FlowError(self.problems)
        return flow

    # -- reporting ---------------------------------------------------------------

    def report(self, path: tuple, message: str, key: bool = False, severity: str = "error") -> None:
        self.problems.append(self.source.problem(path, message, key=key, severity=severity))

    def problem_at(self, path: tuple, message: str, key: bool = False) -> Problem:
        return self.source.problem(path, message, key=key)

    # -- building (tolerant: malformed parts were reported by the shape check) -----

    def build(self, data: dict) -> Flow:
        languages = tuple(x for x in _list(data.get("languages")) if isinstance(x, str)) or ("en",)
        self.languages = languages
        findings = {
            name: Finding(name, _enum(FindingType, spec.get("type", FindingType.BOOLEAN)), str(spec.get("means", "")),
                          spec.get("implies") if isinstance(spec.get("implies"), str) else None,
                          self.text(spec["words"], ("findings", name, "words")) if "words" in spec else None,
                          _window(spec.get("window")),
                          tuple(x for x in _list(spec.get("highest_of")) if isinstance(x, str)),
                          self.where(("findings", name), key=True))
            for name, spec in _mapping(data.get("findings")).items()
            if isinstance(name, str) and isinstance(spec, dict)
        }
        kinds = {name: finding.type for name, finding in findings.items()}
        self.derived = {name: finding.highest_of for name, finding in findings.items() if finding.highest_of}

        rules_data = _mapping(data.get("rules"))
        rule_lets = self.read_named(_mapping(rules_data.get("let")), ("rules", "let"), kinds)
        rules = tuple(self.build_rules(rules_data, kinds, rule_lets))

        named = self.read_named(_mapping(data.get("conditions")), ("conditions",), kinds)
        routing = ConditionReader(kinds, set(named), self.problem_at, self.derived)
        questions = {qid: self.build_question(qid, q, routing) for qid, q in
                     _mapping(data.get("questions")).items() if isinstance(q, dict)}
        routes = {rid: Route(rid, self.build_next(r.get("next"), ("routes", rid, "next"), routing),
                             self.where(("routes", rid), key=True))
                  for rid, r in _mapping(data.get("routes")).items() if isinstance(r, dict)}
        routing.resolve(named)
        self.problems.extend(routing.problems)

        outcomes = {oid: self.build_outcome(oid, o) for oid, o in _mapping(data.get("outcomes")).items()
                    if isinstance(o, dict)}
        welcome = _mapping(data.get("welcome"))
        safety = data.get("safety_net")
        version = data.get("version", 1) if isinstance(data.get("version"), int) else 1
        return Flow(
            file=self.source.file,
            name=str(data.get("flow", "")),
            version=version,
            start=data.get("start") if isinstance(data.get("start"), str) else "",
            languages=languages,
            emergency_number=str(data.get("emergency_number", "911")),
            windows={window: self.text(words, ("windows", window))
                     for window, words in _mapping(data.get("windows")).items() if window in WINDOWS},
            welcome=Welcome(*(self.text(welcome.get(k), ("welcome", k)) for k in ("title", "body", "disclaimer"))),
            topics={tid: self.text(_mapping(t).get("title"), ("topics", tid, "title"))
                    for tid, t in _mapping(data.get("topics")).items()},
            findings=findings,
            questions=questions,
            routes=routes,
            outcomes=outcomes,
            rules=rules,
            conditions=named,
            education=tuple(self.build_guidance(g, ("education", i))
                            for i, g in enumerate(_list(data.get("education"))) if isinstance(g, dict)),
            safety_net=self.build_guidance(safety, ("safety_net",)) if isinstance(safety, dict) else None,
            changes=read_changes(data.get("changes"), findings, version, self.report, self.where),
        )

    def build_outcome(self, oid: str, data: dict) -> Outcome:
        path = ("outcomes", oid)
        clinic = data.get("at_clinic") if isinstance(data.get("at_clinic"), dict) else {}
        return Outcome(oid, data.get("level", "emergency"), self.text(data.get("title"), path + ("title",)),
                       self.text(data.get("text"), path + ("text",)), self.where(path, key=True),
                       self.text(clinic["title"], path + ("at_clinic", "title")) if "title" in clinic else None,
                       self.text(clinic["text"], path + ("at_clinic", "text")) if "text" in clinic else None)

    def read_named(self, data: dict, path: tuple, kinds: dict) -> dict[str, Condition]:
        """Named conditions, which may refer to each other (but not in a circle)."""
        reader = ConditionReader(kinds, set(data), self.problem_at, self.derived)
        named = {name: reader.read(value, path + (name,)) for name, value in data.items()}
        reader.resolve(named)
        self.problems.extend(reader.problems)
        for name in data:
            if self._refers_to_itself(name, named):
                self.report(path + (name,), message("condition '{name}' refers to itself").fill(name=name), key=True)
                named[name] = None
        return {name: cond for name, cond in named.items() if cond is not None}

    @staticmethod
    def _refers_to_itself(name: str, named: dict) -> bool:
        stack, seen = [named.get(name)], set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Named):
                if node.name == name:
                    return True
                stack.append(named.get(node.name))
            else:
                stack.extend(node.children())
        return False

    def build_rules(self, rules_data: dict, kinds: dict, lets: dict) -> Iterable[Rule]:
        reader = ConditionReader(kinds, set(lets), self.problem_at, self.derived)
        for level in RULE_LEVELS:
            for rule_id, spec in _mapping(rules_data.get(level)).items():
                if not isinstance(spec, dict) or "when" not in spec:
                    continue
                path = ("rules", level, rule_id)
                when = reader.read(spec["when"], path + ("when",))
                if when is not None:
                    reviewed = _mapping(spec.get("reviewed"))
                    nurse = spec.get("nurse_reason")
                    yield Rule(rule_id, level, when, self.text(spec.get("reason"), path + ("reason",)),
                               self.where(path, key=True),
                               spec["source"].strip() if isinstance(spec.get("source"), str) else None,
                               Review(str(reviewed["by"]), _iso(reviewed["date"]))
                               if isinstance(reviewed.get("by"), str) and "date" in reviewed else None,
                               self.text(nurse, path + ("nurse_reason",)) if nurse is not None else None)
        reader.resolve(lets)
        self.problems.extend(reader.problems)

    def build_question(self, qid: str, q: dict, routing: ConditionReader) -> Question:
        path = ("questions", qid)
        options = tuple(
            Option(self.text(o.get("label"), path + ("options", i, "label")),
                   o.get("finding") if isinstance(o.get("finding"), str) else None, o.get("none") is True,
                   _window(o.get("window")))
            for i, o in enumerate(_list(q.get("options"))) if isinstance(o, dict)
        )
        return Question(
            id=qid,
            kind=_enum(QuestionKind, q.get("kind", "")),
            text=self.text(q.get("text"), path + ("text",)),
            topic=q.get("topic") if isinstance(q.get("topic"), str) else None,
            help=self.text(q["help"], path + ("help",)) if q.get("help") is not None else None,
            finding=q.get("finding") if isinstance(q.get("finding"), str) else None,
            options=options,
            not_measured=(self.text(q["not_measured"], path + ("not_measured",))
                          if q.get("not_measured") is not None else None),
            next=self.build_next(q.get("next"), path + ("next",), routing),
            at=self.where(path, key=True),
            window=_window(q.get("window")),
        )

    def build_next(self, data: Any, path: tuple, routing: ConditionReader) -> tuple[Transition, ...]:
        if isinstance(data, str):
            return (Transition(data, None, self.where(path)),)
        transitions = []
        for index, item in enumerate(_list(data)):
            if not isinstance(item, dict) or not isinstance(item.get("goto"), str):
                continue
            condition = None
            if "if" in item:
                condition = routing.read(item["if"], path + (index, "if"))
                if condition is None:
                    continue
            transitions.append(Transition(item["goto"], condition, self.where(path + (index,))))
        return tuple(transitions)

    def build_guidance(self, data: dict, path: tuple) -> Guidance:
        return Guidance(self.text(data.get("title"), path + ("title",)), self.text(data.get("body"), path + ("body",)))

    def text(self, value: Any, path: tuple) -> Text:
        """A `Text`; a plain string is in the flow's first language."""
        if isinstance(value, str):
            by_language = {self.languages[0]: value}
        elif isinstance(value, dict):
            by_language = {k: v for k, v in value.items()
                           if isinstance(k, str) and isinstance(v, str) and not k.endswith(SOURCE_SUFFIX)}
            self.check_sources(value, by_language, path)
        else:
            return Text({})
        self.check_text(by_language, path)
        return Text(by_language)

    def check_sources(self, value: dict, by_language: dict, path: tuple) -> None:
        """Keep, for `stale_translations`, each translation with the hash its `LANG_from` holds and the
        English it stands beside (hashed only by `chatbot check`: a kiosk's start needs no hashing)."""
        source = by_language.get(self.languages[0])
        if source is None:
            return
        for code in by_language:
            if code != self.languages[0]:
                kept = value.get(code + SOURCE_SUFFIX)
                self.sources.append((self.where(path + (code,)), label(path), code,
                                     kept if isinstance(kept, str) else None, source))
        for key in value:
            if isinstance(key, str) and key.endswith(SOURCE_SUFFIX) and key[:-len(SOURCE_SUFFIX)] not in by_language:
                self.report(path + (key,), message("'{key}' keeps the source of a '{key2}' text that {label} does not have").fill(key=key, key2=key[:-len(SOURCE_SUFFIX)], label=label(path)), key=True)

    def check_text(self, by_language: dict, path: tuple) -> None:
        missing = [code for code in self.languages if code not in by_language]
        if missing and by_language:
            self.report(path, message("{label} has no translation in {missing}").fill(label=label(path), missing=', '.join(missing)))
        for code, text in by_language.items():
            if not text.strip():
                self.report(path, message("{label} is empty in '{code}': the screen would show nothing there").fill(label=label(path), code=code))
            for name in PLACEHOLDER.findall(text):
                if name not in PLACEHOLDERS:
                    self.report(path, message("unknown placeholder '{{name}}' in '{code}' text").fill(name=name, code=code) + did_you_mean(name, PLACEHOLDERS))

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        return self.source.where(path, key=key)

    # -- meaning ---------------------------------------------------------------

    def check_meaning(self, flow: Flow, data: dict) -> None:
        states = {**flow.questions, **flow.routes, **flow.outcomes}
        self.check_unique_state_names(data)
        self.check_flow_name(data.get("flow"))
        self.check_findings(flow)
        if flow.start and flow.start not in states:
            self.report(("start",), message("start state '{start}' is not defined").fill(start=flow.start) + did_you_mean(flow.start, states))
        for question in flow.questions.values():
            self.check_question(flow, question)
        for kind in ("questions", "routes"):
            for sid, state in getattr(flow, kind).items():
                self.check_next(kind, sid, state.next, states, _mapping(_mapping(data.get(kind)).get(sid)).get("next"))
        self.check_reachable(flow, data, states)
        if not flow.rules and isinstance(data.get("rules"), dict):
            self.report(("rules",), message("there are no triage rules"))
        self.check_screens(flow, data)

    def check_screens(self, flow: Flow, data: dict) -> None:
        """What every screen the UI can show needs: a number to call, and the safety net beside the
        routine guidance (every text not empty is `check_text`'s part)."""
        if "emergency_number" in data:
            number = data["emergency_number"]
            if not isinstance(number, str) or not EMERGENCY_NUMBER.fullmatch(number.strip()):
                shown = "nothing" if number is None or number == "" else repr(number)
                self.report(("emergency_number",), message("the emergency number is {shown}: it must be the digits to call, such as \"911\" or \"112\"").fill(shown=shown))
        routine = any(outcome.level == "routine" for outcome in flow.outcomes.values())  # (any value: shape's part)
        if routine and "safety_net" not in data:
            self.report((), message("the flow has routine outcomes but no 'safety_net' (what to watch for and when to call, shown with the routine guidance): is the file cut short?"))

    def check_flow_name(self, name: Any) -> None:
        """The flow's name goes into every session's record and staff read it: a plain name
        (`chatbot.identifiers`); a name that is not a string at all is the shape check's."""
        if isinstance(name, str):
            try:
                checked("flow name", name)
            except NameRefused as error:
                self.report(("flow",), str(error))

    def check_unique_state_names(self, data: dict) -> None:
        seen: dict[str, str] = {}
        for kind in ("questions", "routes", "outcomes"):
            for sid in _mapping(data.get(kind)):
                if sid in seen:
                    self.report((kind, sid), message("'{sid}' is already a name in {seen}").fill(sid=sid, seen=seen[sid]), key=True)
                seen.setdefault(sid, kind)

    def check_findings(self, flow: Flow) -> None:
        self.check_derived(flow)
        for name, finding in flow.findings.items():
            if finding.implies is None:
                continue
            path = ("findings", name, "implies")
            if finding.implies not in flow.findings:
                self.report(path, message("unknown finding '{implies}'").fill(implies=finding.implies) + did_you_mean(finding.implies, flow.findings))
            elif name in flow.implied_by(finding.implies) or finding.implies == name:
                self.report(path, message("'{name}' and '{implies}' imply each other in a circle").fill(name=name, implies=finding.implies))

    def check_derived(self, flow: Flow) -> None:
        """A derived finding (`highest_of`) is a temperature worked out from measured temperatures, never asked."""
        for name, sources in flow.derived.items():
            path = ("findings", name)
            if flow.findings[name].type != FindingType.TEMPERATURE:
                self.report(path + ("highest_of",), message("'{name}' is the highest of temperatures: its type must be temperature").fill(name=name), key=True)
            if flow.findings[name].implies is not None:
                self.report(path + ("implies",), message("'{name}' is worked out from other findings: it implies nothing").fill(name=name),
                            key=True)
            for index, source in enumerate(sources):
                where = path + ("highest_of", index)
                if source not in flow.findings:
                    self.report(where, message("unknown finding '{source}'").fill(source=source) + did_you_mean(source, flow.findings))
                elif flow.findings[source].type != FindingType.TEMPERATURE:
                    self.report(where, message("'{name}' is the highest of temperatures; '{source}' is {type}").fill(name=name, source=source, type=flow.findings[source].type))
                elif source in flow.derived:
                    self.report(where, message("'{source}' is worked out too: '{name}' is the highest of asked temperatures").fill(source=source, name=name))
        for question in flow.questions.values():
            for finding in question.findings():
                if finding in flow.derived:
                    where = ("questions", question.id, "finding") if question.finding else ("questions", question.id)
                    self.report(where, message("'{finding}' is worked out from {derived} and is never asked: ask those instead").fill(finding=finding, derived=', '.join(flow.derived[finding])))

    def check_question(self, flow: Flow, q: Question) -> None:
        path = ("questions", q.id)
        if q.kind not in QUESTION_KINDS:
            return  # reported by the shape check; what else is wrong depends on the kind
        if q.topic is not None and flow.topics and q.topic not in flow.topics:
            self.report(path + ("topic",), message("unknown topic '{topic}'").fill(topic=q.topic) + did_you_mean(q.topic, flow.topics))
        wanted = {QuestionKind.YES_NO: FindingType.BOOLEAN, QuestionKind.YES_NO_UNSURE: FindingType.BOOLEAN_OR_UNKNOWN, QuestionKind.TEMPERATURE: FindingType.TEMPERATURE}
        if q.kind in wanted:
            if q.options:
                self.report(path + ("options",), message("a {kind} question has no options").fill(kind=q.kind), key=True)
            if q.finding is None:
                self.report(path, message("question '{id}' must name the finding it asks about").fill(id=q.id), key=True)
            elif q.finding not in flow.findings:
                self.report(path + ("finding",), message("unknown finding '{finding}'").fill(finding=q.finding) + did_you_mean(q.finding, flow.findings))
            elif flow.findings[q.finding].type != wanted[q.kind]:
                self.report(path + ("finding",), message("a {kind} question needs a {wanted} finding; '{finding}' is {type}").fill(kind=q.kind, wanted=wanted[q.kind], finding=q.finding, type=flow.findings[q.finding].type))
        if q.kind == QuestionKind.TEMPERATURE and q.not_measured is None:
            self.report(path, message("temperature question '{id}' needs a 'not_measured' answer").fill(id=q.id), key=True)
        if q.kind != QuestionKind.TEMPERATURE and q.not_measured is not None:
            self.report(path + ("not_measured",), message("only a temperature question has 'not_measured'"), key=True)
        if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            self.check_options(flow, q, path)

    def check_options(self, flow: Flow, q: Question, path: tuple) -> None:
        if q.finding is not None:
            self.report(path + ("finding",), message("a choice question names its findings on its options"), key=True)
        if not q.options:
            self.report(path, message("choice question '{id}' needs 'options'").fill(id=q.id), key=True)
            return
        nones = [i for i, o in enumerate(q.options) if o.none]
        if q.kind == QuestionKind.MULTIPLE_CHOICE and len(nones) != 1:
            self.report(path + ("options",), message("a multiple choice needs exactly one 'none: yes' option (\"None of these\")"))
        labels: set[str] = set()
        for index, option in enumerate(q.options):
            where = path + ("options", index)
            label = option.label.get(flow.languages[0]).casefold()
            if label in labels:
                self.report(where, message("two options are labelled '{label}'").fill(label=option.label))
            labels.add(label)
            if option.none and option.finding:
                self.report(where, message("a 'none' option names no finding"))
            elif not option.none and option.finding is None and q.kind == QuestionKind.MULTIPLE_CHOICE:
                self.report(where, message("each option names the finding it asks about"))
            elif option.finding is not None and option.finding not in flow.findings:
                self.report(where + ("finding",), message("unknown finding '{finding}'").fill(finding=option.finding) + did_you_mean(option.finding, flow.findings))
            elif option.finding is not None and flow.findings[option.finding].type != FindingType.BOOLEAN:
                self.report(where + ("finding",), message("an option's finding must be boolean; '{finding}' is {type}").fill(finding=option.finding, type=flow.findings[option.finding].type))

    def check_next(self, kind: str, sid: str, transitions: tuple[Transition, ...], states: dict, raw: Any) -> None:
        path = (kind, sid, "next")
        for index, item in enumerate(_list(raw) if isinstance(raw, list) else [raw]):
            goto = item.get("goto") if isinstance(item, dict) else item
            where = path + (index, "goto") if isinstance(raw, list) else path
            if isinstance(goto, str) and goto not in states:
                self.report(where, message("transition to undefined state '{goto}'").fill(goto=goto) + did_you_mean(goto, states))
            if goto == sid:
                self.report(where, message("'{sid}' goes to itself").fill(sid=sid))
        if isinstance(raw, list) and raw and isinstance(raw[-1], dict) and "if" in raw[-1]:
            self.report(path + (len(raw) - 1,), message("no way out of '{sid}' when no condition holds: end the list with a plain 'goto'").fill(sid=sid))
        if isinstance(raw, list):
            for index, item in enumerate(raw[:-1]):
                if isinstance(item, dict) and "if" not in item:
                    self.report(path + (index,), message("the transitions after this one are never taken: only the last may have no 'if'"))

    def check_reachable(self, flow: Flow, data: dict, states: dict) -> None:
        """Report states no transition leads to, read from the file's own `goto`s so that
        a transition dropped for another problem does not make its target look unreachable."""
        targets = {sid: self.raw_targets(_mapping(_mapping(data.get(kind)).get(sid)).get("next"))
                   for kind in ("questions", "routes") for sid in _mapping(data.get(kind))}
        if flow.start not in states or any(not ts or any(t not in states for t in ts) for ts in targets.values()):
            return  # a missing start, next or target is reported already; reachability would mislead
        seen, queue = {flow.start}, deque([flow.start])
        while queue:
            for target in targets.get(queue.popleft(), ()):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        for kind in ("questions", "routes", "outcomes"):
            for sid in getattr(flow, kind):
                if sid not in seen:
                    self.report((kind, sid), message("'{sid}' is never reached from the start").fill(sid=sid), key=True)

    @staticmethod
    def raw_targets(raw: Any) -> list[str]:
        items = raw if isinstance(raw, list) else [raw]
        gotos = (item.get("goto") if isinstance(item, dict) else item for item in items)
        return [goto for goto in gotos if isinstance(goto, str)]


def _iso(value: Any) -> str:
    """A date as written, 2026-11-30 (YAML reads it as a date)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _window(value: Any) -> str | None:
    """A declared time window, or None (a wrong one is reported by the shape check)."""
    return value if isinstance(value, str) and value in WINDOWS else None


def _enum(kind, value):
    """A flow file's kind or type as its `StrEnum` member; a value that is none stays as written
    (the shape check reports it)."""
    try:
        return kind(value)
    except ValueError:
        return value


def stale_translations(flow: Flow) -> list[tuple[tuple[int, int], str]]:
    """Where a translation needs a translator's review, and why, as msgmerge marks an entry fuzzy:
    its English changed since (its `LANG_from` hash is another text's), or it keeps no hash in a
    language whose other texts do."""
    hashed = {code for _, _, code, kept, _ in flow.translations if kept is not None}
    found = []
    for at, name, code, kept, english in flow.translations:
        if kept is None and code not in hashed:
            continue
        now = source_hash(english)
        if kept is not None and kept != now:
            found.append((at, message("{name} in '{code}' was translated from other English (hash {kept}; the English is now {now}): review the translation, then set {code}{SOURCE_SUFFIX}: \"{now}\" (docs/translating.md)").fill(name=name, code=code, kept=kept, now=now, SOURCE_SUFFIX=SOURCE_SUFFIX)))
        elif kept is None:
            found.append((at, message("{name} in '{code}' does not say which English it was translated from: review it, then set {code}{SOURCE_SUFFIX}: \"{now}\" (docs/translating.md)").fill(name=name, code=code, SOURCE_SUFFIX=SOURCE_SUFFIX, now=now)))
    return found
