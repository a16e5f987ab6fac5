"""A flow's texts for translators, and their translations written back into the flow file in place.

`flow_texts` lists every text of a flow (a mapping from language to string: questions, choices,
help, endings, guidance, the safety net, the welcome, topics, rules' reasons, windows' phrases,
findings' words) with its key path, its line and what it says in each language. `write_back`
edits the file's text at the positions of the YAML nodes, never dumping the YAML again: a
translation replaces only its own scalar, its `LANG_from` hash (`chatbot.flow.text.source_hash`)
only its own, and a new one is a line (or `, key: value` in a `{...}` mapping) after the last
language; comments, quoting, folding and order stay as they were. Writing the same translations
back changes no byte. The result is read again and compared, text by text, before it is kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from chatbot.flow.problems import FlowError, Problem
from chatbot.flow.text import SOURCE_SUFFIX, source_hash
from chatbot.flowfile.shape import LANGUAGE
from chatbot.flowfile.source import parse_yaml

WIDTH = 100  # a folded text's lines are wrapped before this column, as the bundled flow's are

NOTES = {
    "windows": "A question asking over this time window must hold this phrase in its text "
               "(`chatbot check` holds it to that). Several phrases are separated by commas.",
    "words": "Not shown: the names a person knows this sign by, separated by commas; a question that "
             "skips the sign must say one of them (`chatbot check`).",
    "reason": "Shown on the emergency screen after \"I have bone marrow failure and\": what to say "
              "on the phone, in the person's own words.",
    "nurse_reason": "For the nurse: the rule's reason in the third person, as staff read it.",
}
PLACEHOLDER_NOTE = "Keep {emergency_number} as it is: it becomes the number to call."


@dataclass
class FlowText:
    """One text of a flow file: where it stands and what it says in each language."""

    path: tuple
    line: int
    by_language: dict[str, str]
    sources: dict[str, str]  # language -> the hash kept in LANG_from
    node: yaml.MappingNode = field(repr=False)

    @property
    def context(self) -> str:
        """The text's key path, as a .po file's msgctxt: questions.fever.options[1].label."""
        return path_name(self.path)

    def note(self) -> str:
        notes = [NOTES[key] for key in (self.path[0], self.path[-1]) if isinstance(key, str) and key in NOTES][:1]
        if "{emergency_number}" in next(iter(self.by_language.values()), ""):
            notes.append(PLACEHOLDER_NOTE)
        return " ".join(notes)

    def stale(self, language: str, source_language: str) -> bool:
        """Whether the translation needs review: its English changed since, by its hash."""
        kept = self.sources.get(language)
        return kept is not None and kept != source_hash(self.by_language[source_language])


def path_name(path: tuple) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def languages_of(text: str) -> list[str]:
    """The `languages:` of a flow file's text (a flow without them speaks English)."""
    data = parse_yaml(text, "flow").data
    found = data.get("languages") if isinstance(data, dict) else None
    return [x for x in found if isinstance(x, str)] if isinstance(found, list) else ["en"]


def flow_texts(text: str, target: str | None = None) -> list[FlowText]:
    """Every text of the flow file `text`, in the file's order (a text is a mapping whose keys are
    languages, holding the flow's first language; `target` counts as one of its languages)."""
    languages = languages_of(text)
    known = set(languages) | ({target} if target else set())
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found: list[FlowText] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            if keys and languages[0] in keys and all(_language_key(k, known) for k in keys) \
                    and all(isinstance(v, yaml.ScalarNode) for _, v in node.value):
                values = {k.value: v.value for k, v in node.value}
                found.append(FlowText(
                    path, _value_node(node, languages[0]).start_mark.line + 1,
                    {k: v for k, v in values.items() if not k.endswith(SOURCE_SUFFIX)},
                    {k[:-len(SOURCE_SUFFIX)]: v for k, v in values.items() if k.endswith(SOURCE_SUFFIX)}, node))
                return
            for key, value in node.value:
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    if root is not None:
        walk(root, ())
    return found


def _language_key(key: str, known: set[str]) -> bool:
    return key in known or (key.endswith(SOURCE_SUFFIX) and key[:-len(SOURCE_SUFFIX)] in known)


def _value_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if k.value == key), None)


def _key_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((k for k, v in mapping.value if k.value == key), None)


@dataclass
class WriteBack:
    """What writing translations back did: the new file text, and what was changed or left."""

    text: str
    translated: int = 0  # texts whose translation was written or changed
    marked: int = 0  # texts whose translation stayed and whose hash was written
    untranslated: int = 0  # texts of the flow the translations do not cover
    language_added: bool = False


def write_back(text: str, language: str, translations: dict[str, str], file: str = "flow") -> WriteBack:
    """The flow file `text` with `translations` (msgctxt -> translated text, for texts whose English is
    still what the translator saw) written into it as `language`, each with the hash of its English.

    Raises `FlowError` when `language` is the flow's own first language or is not a language code.
    The language is added to `languages:` once every text has it (a flow missing a translation
    would not load).
    """
    languages = languages_of(text)
    if not LANGUAGE.fullmatch(language):
        raise FlowError([Problem(file, 1, 1, f"'{language}' is not a language code like es or pt-BR")])
    if language == languages[0]:
        raise FlowError([Problem(file, 1, 1, f"'{language}' is the flow's own language, the one translated from")])
    texts = flow_texts(text, language)
    edits: list[tuple[int, int, str]] = []
    result = WriteBack(text)
    expected: dict[str, tuple[str, str]] = {}
    for item in texts:
        wanted = translations.get(item.context)
        if wanted is None:
            result.untranslated += language not in item.by_language
            continue
        hashed = source_hash(item.by_language[languages[0]])
        if item.by_language.get(language) == wanted and item.sources.get(language) == hashed:
            continue
        if item.by_language.get(language) == wanted:
            result.marked += 1
        else:
            result.translated += 1
        edits.extend(_text_edits(text, item, language, wanted, hashed))
        expected[item.context] = (wanted, hashed)
    complete = result.untranslated == 0 and language not in languages
    if complete:
        edits.append(_language_edit(text, language))
        result.language_added = True
    if not edits:
        return result
    new = _apply(text, edits)
    _verify(new, language, expected, file)
    result.text = new
    return result


def _text_edits(text: str, item: FlowText, language: str, wanted: str, hashed: str) -> list[tuple[int, int, str]]:
    """The edits that make `item` say `wanted` in `language`, translated from the English `hashed`."""
    node = item.node
    flow_style = bool(node.flow_style)
    value = _value_node(node, language)
    kept = _value_node(node, language + SOURCE_SUFFIX)
    hash_value = f'"{hashed}"'
    edits = []
    if kept is not None:
        edits.append((kept.start_mark.index, kept.end_mark.index, hash_value))
    if value is not None:
        start, end = value.start_mark.index, _content_end(text, value)
        rendered = value_text(text, value, wanted, flow_style) if value.value != wanted else text[start:end]
        edits.append((start, end, rendered))
        if kept is None and flow_style:
            edits.append((end, end, f", {language}{SOURCE_SUFFIX}: {hash_value}"))
        elif kept is None:  # a line of its own after the translation's last line (and its comment)
            line_end = _line_end(text, end)
            indent = " " * _key_node(node, language).start_mark.column
            edits.append((line_end, line_end, f"\n{indent}{language}{SOURCE_SUFFIX}: {hash_value}"))
        return edits
    last = node.value[-1][1]
    end = _content_end(text, last)
    if flow_style:
        edits.append((end, end, f", {language}: {_inline(wanted, True)}, {language}{SOURCE_SUFFIX}: {hash_value}"))
    else:
        indent = " " * node.value[0][0].start_mark.column
        end = _line_end(text, end)
        edits.append((end, end, f"\n{indent}{language}: {_inline(wanted, False)}"
                                f"\n{indent}{language}{SOURCE_SUFFIX}: {hash_value}"))
    return edits


def _content_end(text: str, node: yaml.Node) -> int:
    """Where a value's own characters end (a block scalar's node runs on over its line breaks)."""
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def value_text(text: str, node: yaml.ScalarNode, wanted: str, flow_style: bool) -> str:
    """`wanted` written where `node` stands, in the node's own style (folded, literal, quoted or plain)
    when it reads back the same, else plain or double-quoted."""
    if node.style in (">", "|"):
        header = text[node.start_mark.index:text.index("\n", node.start_mark.index)]
        indent = _block_indent(text, node)
        lines = _folded(wanted, WIDTH - indent) if node.style == ">" else wanted.split("\n")
        block = header + "".join("\n" + (" " * indent + line if line else "") for line in lines)
        if _reads_back(block, wanted, indent):
            return block
    if node.style == "'" and "\n" not in wanted:
        return "'" + wanted.replace("'", "''") + "'"
    if node.style == '"':
        return json.dumps(wanted, ensure_ascii=False)
    return _inline(wanted, flow_style)


def _block_indent(text: str, node: yaml.ScalarNode) -> int:
    first = text.index("\n", node.start_mark.index) + 1
    line = text[first:text.find("\n", first)]
    return len(line) - len(line.lstrip(" "))


def _folded(wanted: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in wanted.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def _reads_back(block: str, wanted: str, indent: int) -> bool:
    try:
        data = yaml.safe_load(" " * max(indent - 2, 0) + "k: " + block + "\n")
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get("k") == wanted


PLAIN_UNSAFE = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|[:#]\s|\s[#:]|:$|\s$|^$")
FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def _inline(wanted: str, flow_style: bool) -> str:
    """`wanted` on one line: plain when YAML reads it back as the same string, else double-quoted."""
    if "\n" not in wanted and not PLAIN_UNSAFE.search(wanted) and not (flow_style and FLOW_UNSAFE.search(wanted)):
        try:
            if yaml.safe_load(("{k: " + wanted + "}") if flow_style else ("k: " + wanted))["k"] == wanted:
                return wanted
        except yaml.YAMLError:
            pass
    return json.dumps(wanted, ensure_ascii=False)


def _language_edit(text: str, language: str) -> tuple[int, int, str]:
    """The edit that adds `language` to the file's `languages:` list."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    node = _value_node(root, "languages") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise FlowError([Problem("flow", 1, 1, "the flow has no 'languages:' list to add the language to")])
    last = node.value[-1]
    end = _content_end(text, last)
    if node.flow_style:
        return (end, end, f", {language}")
    dash = text.rindex("-", 0, last.start_mark.index)
    column = dash - text.rindex("\n", 0, dash) - 1
    return (end, end, "\n" + " " * column + f"- {language}")


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _verify(new: str, language: str, expected: dict[str, tuple[str, str]], file: str) -> None:
    """Refuse to keep a text that does not read back as what was meant (nothing is written then)."""
    try:
        found = {item.context: item for item in flow_texts(new, language)}
    except yaml.YAMLError as error:
        raise FlowError([Problem(file, 1, 1, f"writing the translations would break the file ({error}); "
                                             "nothing was written")]) from None
    for context, (wanted, hashed) in expected.items():
        item = found.get(context)
        if item is None or item.by_language.get(language) != wanted or item.sources.get(language) != hashed:
            raise FlowError([Problem(file, 1, 1, f"the translation of {context} would not read back as written; "
                                                 "nothing was written")])
