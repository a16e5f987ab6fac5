"""Prove a flow safe: on every path, the level reached is the level its own rules give.

`analyse(flow)` explores every path (`chatbot.proof.paths`) and reports, each at the
line of the flow to look at:

- **under-triage** (error): a path ends at an outcome whose level is lower than
  the rules' level for its answers; **over-triage** (warning): higher. The rules'
  level is `triage(flow.rules, findings)` on the findings at the end of the path,
  every finding not asked keeping its default, exactly as the engine's result is
  judged. Blamed on the outcome when every path into it is wrong, else on the
  transition at fault (see `chatbot.proof.blame`). Paths that end at the same outcome
  can go wrong at different lines (two faults, one outcome): each line is its own
  issue, counting the paths it explains, with one of them as the example.
- **never asked** (error): a finding that the rules read, that the path never
  asks, and whose true value could still change the rules' level given all the
  answers on the path (some rule above the level already settled is still open
  and reads it). A skip is allowed, and not reported, when (a) the finding
  implies one answered no (it is then known to be no, e.g. no bleeding at all
  rules out bleeding in the vomit), (b) no answer to it can change the level
  given the answers so far (the open-rule test above), or (c) the path ends at an
  emergency (nothing can raise it). With the level check this proves more than
  the defaults do: on every path without a report the level reached is the
  rules' level for every way the unasked findings could truly be.
- **hidden sign** (warning): a "no" to a question skips, through `implies`, a
  finding that an emergency rule names, and the question does not name that sign
  in every language (principle 7: a person with black stools must not answer
  "no" to "any unusual bleeding?"). Named means one of the finding's `words`
  (or, without them, the words of its key) stands in the question's text or help.
- **never ends** (error): answers that can go round a loop forever;
- **never reached** (warning): an outcome, question or route that no path
  reaches, and a transition no path takes;
- **not monotonic** (error): answering yes instead of no to one finding, all
  else the same, ends at a lower level (`chatbot.proof.monotonicity`).
- **stale translation** (warning): a translation whose English changed since it was
  translated (its `LANG_from` hash is not the English's), as `msgmerge` marks an
  entry fuzzy; or one that keeps no hash in a language whose other texts do.
- **no source** (warning): a triage rule without its `source`, the citation a
  reviewer checks it against (docs/change-review.md, "Where each rule comes from").

A path is a sequence of answer classes (`chatbot.proof.answer_classes`): yes / no /
not sure, each option or set of options, and each temperature class typed once
in °C and once in °F. `paths` counts them; `states` counts the merged nodes
actually explored.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from chatbot.catalog import SOURCE, Joined, Message, Number, message, plural
from chatbot.flow.kinds import QuestionKind
from chatbot.formats import decimal
from chatbot.flowfile.loader import stale_translations
from chatbot.proof.blame import (Blamed, NeverAsked, OverTriage, UnderTriage, blames, transition_name,
                           unasked_rule)
from chatbot.flow.model import Flow, Position, level_rank
from chatbot.proof.monotonicity import MonotonicityCheck
from chatbot.proof.paths import Edge, Explorer, Node, PathGraph, rules_level
from chatbot.flow.problems import Problem
from chatbot.proof.terms import holds, variables
from chatbot.flow.windows import SAID, covers, fold, says

SEVERITY = {"under-triage": "error", "never-asked": "error", "never-ends": "error", "not-monotonic": "error",
            "over-triage": "warning", "never-reached": "warning", "never-taken": "warning",
            "hidden-sign": "warning", "no-windows": "warning", "window-missing": "warning",
            "window-short": "warning", "window-skip": "warning", "window-unsaid": "warning",
            "stale-translation": "warning", "no-source": "warning"}


@dataclass
class Issue:
    """One thing the analysis found, at the line to look at, with the answers of an example path."""

    kind: str
    at: Position
    message: str
    paths: int = 0
    answers: tuple[tuple[str, str], ...] = ()
    other_answers: tuple[tuple[str, str], ...] = ()
    typed: tuple[str, ...] = ()  # the example's answers as typed, to replay it through the engine
    outcome: str = ""  # where the example path ends, for the faults of a path's end
    words: Any = field(default=None, compare=False, repr=False)  # `message` from the catalog, said in a language

    def __post_init__(self) -> None:
        if not isinstance(self.message, str):  # words from the catalog: kept, with their English as `message`
            self.words, self.message = self.message, str(self.message)

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]

    def problem(self, file: str) -> Problem:
        return Problem(file, self.at[0], self.at[1], f"{self.kind}: " + (self.words or self.message), self.severity)

    def as_json(self, file: str) -> dict[str, Any]:
        data = {"file": file, "line": self.at[0], "col": self.at[1], "severity": self.severity,
                "kind": self.kind, "message": self.message, "paths": self.paths,
                "answers": [{"question": q, "answer": a} for q, a in self.answers]}
        for answer, typed in zip(data["answers"], self.typed):
            answer["typed"] = typed
        if self.outcome:
            data["outcome"] = self.outcome
        if self.other_answers:
            data["other_answers"] = [{"question": q, "answer": a} for q, a in self.other_answers]
        return data


@dataclass
class Analysis:
    """The verdict on a flow: every issue, and how much was explored."""

    flow: Flow
    issues: list[Issue]
    paths: int
    states: int
    seconds: float = 0.0
    loops: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def verdict(self) -> str:
        return "unsafe" if self.errors else "warnings" if self.warnings else "proved"

    def summary(self, language: str = SOURCE) -> str:
        """One line in `language`: what was found, how much was explored, and the verdict."""
        flow = self.flow
        counts = [noun.count(Number(len(found))) for found, noun in ((self.errors, ERRORS), (self.warnings, WARNINGS))
                  if found]
        found = ", ".join(count.get(language) for count in counts) or NO_PROBLEMS.get(language)
        paths = _number_said(self.paths, language)
        if self.loops:
            paths = AND_LOOPS.fill(paths=paths).get(language)
        verdict = VERDICTS[self.verdict].get(language)
        size = ", ".join(noun.count(Number(len(things))).get(language) for things, noun in
                         ((flow.questions, QUESTIONS), (flow.outcomes, OUTCOMES), (flow.rules, RULES)))
        return SUMMARY.fill(file=flow.file, found=found, size=size, paths=paths, states=Number(self.states),
                            seconds=decimal(self.seconds, language, 2), verdict=verdict).get(language)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.flow.file, "paths": self.paths, "states": self.states, "endless": self.loops > 0,
                "seconds": round(self.seconds, 3), "verdict": self.verdict,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "problems": [issue.as_json(self.flow.file) for issue in self.issues]}


def names_sign(flow: Flow, question, sign: str, language: str) -> bool:
    """Whether the question's text or help, in `language`, holds one of the words of finding `sign`."""
    finding = flow.findings[sign]
    if finding.words is not None and language in finding.words.by_language:
        phrases = finding.words.by_language[language].split(",")
    else:
        said = _said(question, language)
        words = [word for word in sign.split("_") if len(word) > 3]  # without its own words: every word of its key
        return language == flow.languages[0] and all(word in said for word in words)
    said = _said(question, language)
    return any(fold(phrase) and fold(phrase) in said for phrase in phrases)


def _said(question, language: str) -> str:
    return " ".join(fold(text.by_language.get(language, "")) for text in (question.text, question.help) if text)


ERRORS = plural("{count} error", "{count} errors")
WARNINGS = plural("{count} warning", "{count} warnings")
NO_PROBLEMS = message("no problems")
PATHS = plural("{count} path", "{count} paths")
ABOUT_PATHS = message("about {mantissa} × 10^{exponent} paths")
AND_LOOPS = message("{paths} (and endless loops)")
VERDICTS = {"proved": message("proved: every path reaches the level its rules give"),
            "warnings": message("no path ends below the level its rules give"),
            "unsafe": message("NOT SAFE")}
QUESTIONS = plural("{count} question", "{count} questions")
OUTCOMES = plural("{count} outcome", "{count} outcomes")
RULES = plural("{count} rule", "{count} rules")
SUMMARY = message("{file}: {found} ({size}); {paths} explored as {states} states in {seconds} s: {verdict}")
"""`chatbot check`'s last line."""


def _number_said(number: int, language: str) -> str:
    """`_number` in `language`."""
    if number < 10 ** 15:
        return PATHS.count(Number(number)).get(language)
    exponent = int(math.log10(number))
    mantissa = number / 10 ** exponent
    if mantissa >= 9.95:
        exponent, mantissa = exponent + 1, mantissa / 10
    return ABOUT_PATHS.fill(mantissa=decimal(mantissa, language), exponent=str(exponent)).get(language)


class PathsSaid:
    """A count of paths, said in the language it is shown in (`_number_said`)."""

    def __init__(self, number: int):
        self.number = number

    def get(self, language: str) -> str:
        return _number_said(self.number, language)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _number(number: int, noun: str) -> str:
    """A count people can read: 2,717,302 paths, or about 4.6 × 10^80 paths."""
    if number < 10 ** 15:
        return _count(number, noun)
    exponent = int(math.log10(number))
    mantissa = number / 10 ** exponent
    if mantissa >= 9.95:
        exponent, mantissa = exponent + 1, mantissa / 10
    return f"about {mantissa:.1f} × 10^{exponent} {noun}s"


def analyse(flow: Flow) -> Analysis:
    """Explore every path of `flow` and judge it; see the module's docstring for the definitions."""
    started = time.perf_counter()
    explorer = Explorer(flow)
    graph = explorer.explore()
    judge = Judge(flow, graph, explorer)
    skips = judge.skips()
    issues = [*judge.levels(), *judge.unasked(), *judge.endless(), *judge.monotonicity(), *judge.unreached(),
              *judge.hidden_signs(skips), *judge.windows(skips), *unsourced(flow),
              *(Issue("stale-translation", at, message) for at, message in stale_translations(flow))]
    issues.sort(key=lambda i: (i.severity != "error", i.at, i.kind))
    return Analysis(flow, issues, graph.paths, len(graph.nodes), time.perf_counter() - started,
                    len(graph.loops) + bool(graph.start_loop))


def unsourced(flow: Flow) -> list[Issue]:
    """A rule nobody can check against where it comes from: one warning at each rule without a source."""
    return [Issue("no-source", rule.at, message("rule {id} has no source: cite where it comes from (`source:`), so a reviewer can check it against it").fill(id=rule.id))
            for rule in flow.rules if not rule.source]


class Judge:
    """Turns the explored graph into issues, grouped by the line at fault."""

    def __init__(self, flow: Flow, graph: PathGraph, explorer: Explorer):
        self.flow = flow
        self.graph = graph
        self.reach = graph.reach
        self.rule_terms = explorer.rule_terms
        self.apply = explorer.apply
        self.implying = explorer.implying
        self.defaults = flow.default_findings()
        self.terminals = list(graph.terminals())

    # -- the level at the end of each path ----------------------------------------------

    def levels(self) -> list[Issue]:
        """Paths that end above or below their rules' level: one issue per line at fault.

        Paths that merge into one outcome node can each go wrong at their own
        line, so each distinct line is found (`chatbot.proof.blame.blames`) and reported
        with the paths it explains and an example of them.
        """
        flow = self.flow
        wrong: list[tuple[Node, str, int]] = []
        by_outcome: dict[str, set[int]] = {}
        for node in self.terminals:
            level = rules_level(flow, node.rules, self.defaults)
            difference = level_rank(level) - level_rank(flow.outcomes[node.state].level)
            by_outcome.setdefault(node.state, set()).add(difference)
            if difference:
                wrong.append((node, level, difference))

        def everywhere(node: Node, difference: int) -> bool:
            return all((d > 0) == (difference > 0) and d != 0 for d in by_outcome[node.state])

        faults: dict[tuple[bool, str], list[Node]] = {}
        for node, level, difference in wrong:
            if not everywhere(node, difference):
                faults.setdefault((difference > 0, level), []).append(node)
        blamed: dict[int, list[Blamed]] = {}
        for (under, level), nodes in faults.items():
            fault = UnderTriage(flow, self.reach, level) if under else OverTriage(flow, self.reach, level)
            blamed.update(blames(self.graph, fault, nodes))

        groups: dict[tuple, Issue] = {}
        for node, level, difference in wrong:
            outcome = flow.outcomes[node.state]
            kind = "under-triage" if difference > 0 else "over-triage"
            if everywhere(node, difference):
                key = (kind, outcome.at, outcome.id, "")
                if key not in groups:
                    words = (message("outcome '{id}' is {level}, but the rules give higher levels on every path that reaches "
                                     "it, e.g. {level2} ({rules})") if difference > 0 else
                             message("outcome '{id}' is {level}, but the rules give lower levels on every path that reaches "
                                     "it, e.g. {level2} ({rules})")).fill(
                        id=outcome.id, level=outcome.level, level2=level, rules=self._rules_giving(node.path(), level))
                    groups[key] = self._issue(kind, outcome.at, words, node.path(), node.state)
                groups[key].paths += node.paths_in
                continue
            for entry in blamed[node.id]:
                key = (kind, entry.blame.at, outcome.id, level)
                if key not in groups:
                    words = (message("paths end at '{id}' ({level}) but the rules give {level2} ({rules}): {why}").fill(id=outcome.id, level=outcome.level, level2=level, rules=self._rules_giving(entry.path, level), why=entry.blame.why))
                    groups[key] = self._issue(kind, entry.blame.at, words, entry.path, node.state)
                groups[key].paths += entry.paths
        return self._counted(groups.values())

    def _rules_giving(self, path: list[Edge], level: str) -> str:
        """The rules of `level` that hold at the end of `path` (its own answers: paths into a node differ)."""
        known: dict[str, Any] = {}
        for edge in path:
            known = self.apply(known, edge.answer)
        findings = {**self.defaults, **known}
        ids = [rule.id for rule, term in zip(self.flow.rules, self.rule_terms)
               if rule.level == level and holds(term, findings)]
        return ", ".join(ids) if ids else "no rule holds"

    # -- findings the rules need but the path never asks ------------------------------------

    def unasked(self) -> list[Issue]:
        """Findings left unasked that could change the level: one issue per finding and line at fault."""
        flow = self.flow
        needs: dict[int, dict[str, list[str]]] = {}
        needing: dict[str, list[Node]] = {}
        for node in self.terminals:
            if flow.outcomes[node.state].level == "emergency":  # (c) nothing can raise an emergency
                continue
            needed = needs[node.id] = self.needed(node)
            for finding in needed:
                needing.setdefault(finding, []).append(node)
        blamed: dict[tuple[str, int], list[Blamed]] = {}
        for finding, nodes in needing.items():
            rule = unasked_rule(flow, self.reach, finding)
            if rule is not None:
                for node in nodes:
                    blamed[finding, node.id] = [Blamed(rule, node.paths_in, node.path())]
                continue
            for node_id, entries in blames(self.graph, NeverAsked(flow, self.reach, finding), nodes).items():
                blamed[finding, node_id] = entries
        groups: dict[tuple, Issue] = {}
        for node in self.terminals:
            outcome = flow.outcomes[node.state]
            for finding, rule_ids in sorted(needs.get(node.id, {}).items()):
                for entry in blamed[finding, node.id]:
                    key = (finding, entry.blame.at)
                    if key not in groups:
                        words = (message("'{finding}' is never asked on paths that end at '{id}' ({level}), yet its answer could change the level ({rule_ids}): {why}").fill(finding=finding, id=outcome.id, level=outcome.level, rule_ids=', '.join(rule_ids), why=entry.blame.why))
                        groups[key] = self._issue("never-asked", entry.blame.at, words, entry.path, node.state)
                    groups[key].paths += entry.paths
        return self._counted(groups.values())

    def needed(self, node: Node) -> dict[str, list[str]]:
        """The unasked findings that could still change the level, with the open rules that read them.

        At an outcome every asked finding is substituted, so the findings left in
        the rules' residual terms are exactly those never asked (or ruled out: see
        `Explorer.apply`). A rule matters if it is still open and its level is above
        the highest level already settled.
        """
        flow = self.flow
        settled = max((level_rank(r.level) for r, t in zip(flow.rules, node.rules) if t is True), default=0)
        needed: dict[str, list[str]] = {}
        for rule, term in zip(flow.rules, node.rules):
            if term is True or term is False or level_rank(rule.level) <= settled:
                continue
            for finding in variables(term):
                needed.setdefault(finding, []).append(rule.id)
        return needed

    # -- emergency signs skipped by a question that does not name them (principle 7) -------

    def skips(self) -> list[tuple[object, str, str, Edge]]:
        """Every finding a no skips through `implies`: (question, the finding answered no, the one skipped,
        an edge of the no), once per question and skipped finding.

        Skipped means asked by no question before this one, by this one, or after it (on any way on).
        """
        flow, reach = self.flow, self.reach
        asked_from = {state: {name for s in reach.reachable[state] if s in flow.questions
                              for name in flow.questions[s].findings()} for state in reach.states}
        asked_before = {qid: {name for s, reachable in reach.reachable.items() if s != qid and qid in reachable
                              and s in flow.questions for name in flow.questions[s].findings()}
                        for qid in flow.questions}
        found: dict[tuple[str, str], tuple] = {}
        for node in self.graph.nodes:
            question = flow.questions.get(node.state)
            if question is None:
                continue
            for edge in node.edges:
                if edge.target is None:
                    continue
                for name, value in edge.answer.findings:
                    for sign in self.implying.get(name, ()) if value is False else ():
                        if (sign in question.findings() or sign in asked_before[question.id]
                                or sign in asked_from[edge.target.state] or (question.id, sign) in found):
                            continue
                        found[question.id, sign] = (question, name, sign, edge)
        return list(found.values())

    def hidden_signs(self, skips) -> list[Issue]:
        """A no that skips an emergency sign the question never names: one warning per question and sign."""
        flow = self.flow
        emergency = {}
        for rule in flow.rules:
            if rule.level == "emergency":
                for name in rule.when.findings():
                    emergency.setdefault(name, []).append(rule.id)
        issues = []
        for question, _, sign, edge in skips:
            if sign not in emergency:
                continue
            unnamed = [code for code in flow.languages if not names_sign(flow, question, sign, code)]
            if unnamed:
                words = (message("a no to '{id}' skips '{sign}' ({emergency}), but the question does not name it in {unnamed}: name the sign in its text or help (principle 7), or list its words under the finding").fill(id=question.id, sign=sign, emergency=', '.join(emergency[sign]), unnamed=', '.join(unnamed)))
                issues.append(self._issue("hidden-sign", question.at, words, edge.source.path() + [edge]))
        return issues

    # -- time windows (principle 9) -------------------------------------------------------------

    def windows(self, skips) -> list[Issue]:
        """Each question says and declares a window that covers what it asks and what its no skips."""
        flow = self.flow
        if not flow.windows:
            return [Issue("no-windows", (1, 1), message("the flow declares no time windows ('windows:'), so no question can be held to the window it says (principle 9)"))]
        issues = [Issue("window-missing", finding.at, message("the finding '{name}' declares no window: how far back does it look?").fill(name=name))
                  for name, finding in flow.findings.items() if finding.window is None and name not in flow.derived]
        for question in flow.questions.values():
            if question.window is None:
                issues.append(Issue("window-missing", question.at, message("question '{id}' declares no window: say and declare how far back it asks").fill(id=question.id)))
                continue
            issues += self._unsaid(question)
            for name in question.findings():
                asked, looks_back = question.window_of(name), flow.findings[name].window
                if not covers(asked, looks_back):
                    issues.append(Issue("window-short", question.at, (
                        message("question '{id}' asks about '{name}' {said} ({asked}), but the finding looks back {looked_back} ({looks_back}): a sign earlier in the finding's window gets a no (principle 9)").fill(id=question.id, name=name, said=SAID[asked], asked=asked, looked_back=SAID[looks_back], looks_back=looks_back))))
        for question, gate, skipped, edge in skips:
            asked, looks_back = question.window_of(gate), flow.findings[skipped].window
            if question.window is not None and not covers(asked, looks_back):
                issues.append(self._issue("window-skip", question.at, (
                    message("a no to '{id}' ({said}, {asked}) skips '{skipped}', which looks back {looked_back} ({looks_back}): the sign can be older than the question asks, so ask it on its own (principle 9)").fill(id=question.id, said=SAID[asked], asked=asked, skipped=skipped, looked_back=SAID[looks_back], looks_back=looks_back)), edge.source.path() + [edge]))
        return issues

    def _unsaid(self, question) -> list[Issue]:
        """The question's text (and each option's label with a window of its own) says its window in every language."""
        flow, issues = self.flow, []
        said = [(question.window, "its text", question.text)]
        said += [(option.window, f"the label of option {index}", option.label)
                 for index, option in enumerate(question.options, 1)
                 if option.window is not None and option.window != question.window]
        for window, where, text in said:
            words = flow.windows.get(window)
            for code in flow.languages:
                if words is None or code not in words.by_language:
                    issues.append(Issue("window-unsaid", question.at, (
                        message("question '{id}' asks {said} ({window}), but 'windows:' has no words for '{window}' in {code}").fill(id=question.id, said=SAID[window], window=window, code=code))))
                elif not says(text.by_language.get(code, ""), words.by_language[code]):
                    issues.append(Issue("window-unsaid", question.at, (
                        message("question '{id}' declares the window {window}, but {where} does not say it in {code} (one of: {by_language}): people answer the words they read (principle 9)").fill(id=question.id, window=window, where=where, code=code, by_language=words.by_language[code]))))
        return issues

    # -- loops -----------------------------------------------------------------------------

    def endless(self) -> list[Issue]:
        """Loops: blamed on the transitions that go back to an earlier question, one issue each."""
        flow, position = self.flow, self.reach.position
        groups: dict[Position, Issue] = {}

        def report(edge: Edge, state: str, index: int, words: Message) -> None:
            at = flow.state(state).next[index].at
            if at not in groups:
                groups[at] = self._issue("never-ends", at, words + ": " + transition_name(flow, state, index),
                                         edge.source.path() + [edge])

        if self.graph.start_loop:
            state, index = self.graph.start_loop[-1]
            at = flow.state(state).next[index].at
            groups[at] = Issue("never-ends", at, message("the routes from the start go round in a loop and never ask or end: {transition_name}").fill(transition_name=transition_name(flow, state, index)))
        for edge in self.graph.loops:
            if edge.target is None and edge.goes_back:
                state, index = edge.moves[-1]
                report(edge, state, index, message("the dialogue can go round a loop forever, back to '{goto}' with answers that can change").fill(goto=flow.state(state).next[index].goto))
            elif edge.target is None:
                report(edge, *edge.moves[-1], message("the routes go round in a loop and never ask or end"))
        if any(edge.target is not None for edge in self.graph.loops):
            looping = self.graph.looping_edges()
            for edge in looping:
                for state, index in edge.moves:
                    goto = flow.state(state).next[index].goto
                    if position[goto] <= position[state]:
                        report(edge, state, index, message("the dialogue can go round a loop forever, back to '{goto}' with nothing new learned").fill(goto=goto))
            if not looping or not groups:
                for edge in self.graph.loops:
                    if edge.target is not None:
                        report(edge, *edge.moves[-1], message("the dialogue can go round a loop forever"))
        return list(groups.values())

    # -- what no path reaches ----------------------------------------------------------------

    def unreached(self) -> list[Issue]:
        flow = self.flow
        visited = {node.state for node in self.graph.nodes}
        taken: set[tuple[str, int]] = set()
        for node in self.graph.nodes:
            for edge in node.edges:
                taken.update(edge.moves)
        visited |= {state for state, _ in taken}
        issues = []
        for kind, states in (("outcome", flow.outcomes), ("question", flow.questions), ("route", flow.routes)):
            for sid, state in states.items():
                if sid not in visited:
                    issues.append(Issue("never-reached", state.at, message("no path reaches the {kind} '{sid}'").fill(kind=kind, sid=sid)))
        for sid, state in {**flow.questions, **flow.routes}.items():
            if sid not in visited:
                continue
            for index, transition in enumerate(state.next):
                if (sid, index) not in taken:
                    issues.append(Issue("never-taken", transition.at,
                                        message("no path takes {transition_name}").fill(transition_name=transition_name(flow, sid, index))))
        return issues

    # -- monotonicity ---------------------------------------------------------------------------

    def monotonicity(self) -> list[Issue]:
        issues = []
        faithful = {node.id for node in self.terminals
                    if rules_level(self.flow, node.rules, self.defaults) == self.flow.outcomes[node.state].level
                    and (self.flow.outcomes[node.state].level == "emergency" or not self.needed(node))}
        for violation in MonotonicityCheck(self.graph, faithful).violations():
            question = self.flow.questions[violation.at_node.state]
            words = (message("answering yes instead of no to '{finding}' in '{id}' can lower the level from {no_level} to {yes_level}").fill(finding=violation.finding, id=question.id, no_level=violation.no_level, yes_level=violation.yes_level))
            issues.append(Issue("not-monotonic", question.at, words, 0,
                                self.answers(list(violation.no_path)), self.answers(list(violation.yes_path))))
        return issues

    # -- reporting helpers -------------------------------------------------------------------------

    def _issue(self, kind: str, at: Position, message: str, path: list[Edge], outcome: str = "") -> Issue:
        """An issue with `path` as its example (paths are added by the caller)."""
        return Issue(kind, at, message, 0, self.answers(path), typed=tuple(e.answer.typed[-1] for e in path),
                     outcome=outcome)

    def answers(self, path: list[Edge]) -> tuple[tuple[str, str], ...]:
        """An example path as (question, answer) pairs, answers shown as a person would read them."""
        result = []
        for edge in path:
            question = self.flow.questions[edge.source.state]
            answer = edge.answer
            if question.kind == QuestionKind.TEMPERATURE and answer.typed[0] != "not measured":
                shown = f"{answer.typed[0]} ({answer.shown})"
            else:
                shown = answer.shown
            result.append((question.id, shown))
        return tuple(result)

    @staticmethod
    def _counted(issues) -> list[Issue]:
        result = []
        for issue in issues:
            issue.words = Joined(issue.words or issue.message, " [", PathsSaid(issue.paths), "]")
            issue.message = f"{issue.message} [{_number(issue.paths, 'path')}]"
            result.append(issue)
        return result

