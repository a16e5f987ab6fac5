"""`chatbot diff OLD NEW`: which persons get another answer from a new version of a flow.

Every answer class of both versions is compared (`chatbot.review`); each class whose
level or outcome differs is shown as a plain statement with the rules that held
before and after and a witness conversation on both versions, down-triage first;
then the questions, rules, findings, outcomes and texts that changed, and the
change log's sign-off. OLD and NEW are flow files or `REV:PATH` read from git;
`--base REV` compares the new flow's own file at REV.

Exit status (docs/change-review.md): 0 nothing changed; 1 something changed (with
`--fail-on`: something of that kind, not accepted by the change log); 2 a version,
the change log or the hazard log cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatbot.catalog import Message, message, plural
from chatbot.commands.said import said, say

NAME = "diff"
HELP = message("compare two versions of a flow: every answer whose level or outcome changes, down-triage first")
FORMATS = ("text", "markdown", "html")
FAIL_ON = ("down-triage", "level", "any")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("versions", nargs="*", metavar="OLD NEW",
                        help=message("the two versions: flow files, or REV:PATH from git (with --base, only NEW, by default the bundled flow)"))
    parser.add_argument("--base", metavar="REV", help=message("compare the new flow's own file as it was at REV (a commit, tag or branch)"))
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help=message("text (default), markdown (the clinical release note) or html (the same, to print)"))
    parser.add_argument("--output", "-o", metavar="FILE", help=message("write it to FILE instead of printing it"))
    parser.add_argument("--scripts", metavar="DIR",
                        help=message("write each witness to DIR as a replay script expecting the new behaviour"))
    parser.add_argument("--fail-on", choices=FAIL_ON, dest="fail_on",
                        help=message("exit 1 only for down-triage the change log does not accept (down-triage), any change of level (level), or any change at all (any)"))
    parser.add_argument("--hazards", metavar="FILE",
                        help=message("the hazard log (default: hazards.yaml beside the new flow, if there is one)"))


def run(args: argparse.Namespace) -> int:
    from chatbot.flow.problems import FlowError
    from chatbot.flowfile.hazards import beside, load_hazards
    from chatbot.review.report import WitnessError, review
    from chatbot.review.revisions import RevisionError, at_revision, read_version

    given = list(args.versions)
    if args.base is not None and len(given) > 1:
        return _usage(message("with --base REV, give only the new version (or none for the bundled flow)"))
    if args.base is None and len(given) != 2:
        return _usage(message("give the old and the new version (files, or REV:PATH), or --base REV"))
    try:
        if args.base is not None:
            new = read_version(given[0] if given else args.flow or args.global_flow)
            old = at_revision(args.base, new)
        else:
            old, new = read_version(given[0]), read_version(given[1])
        log_file = Path(args.hazards) if args.hazards else (beside(new.file) if new.file else None)
        hazard_log = load_hazards(log_file, new.flow) if log_file else None
        result = review(old, new, hazard_log)
    except RevisionError as error:
        print(f"chatbot diff: {error}", file=sys.stderr)
        return 2
    except WitnessError as error:  # pragma: no cover - the comparison and the engine disagree: a bug
        return _usage(message("a witness did not replay, so this review cannot be trusted: {error}"), error=error)
    except ValueError as error:
        print(f"chatbot diff: {error}", file=sys.stderr)
        return 2
    except FlowError:
        raise  # every problem, positioned, then exit 2 (chatbot.cli)
    try:
        written = _write(result, args)
        if args.scripts:
            from chatbot.review.scripts import write_scripts

            files = write_scripts(result, Path(args.scripts))
            print("chatbot diff: " + said(plural("{count} replay script in {folder} (`chatbot replay {folder}`)",
                                                 "{count} replay scripts in {folder} (`chatbot replay {folder}`)")
                                          .count(len(files)), folder=args.scripts),
                  file=sys.stderr if not written else sys.stdout)
    except OSError as error:
        return _usage(message("cannot write {path}: {reason}"), path=error.filename or args.output,
                      reason=error.strerror or error)
    return status(result, args.fail_on)


def status(result, fail_on: str | None) -> int:
    """0 or 1 as the docstring says."""
    if fail_on == "down-triage":
        return 1 if result.unaccepted else 0
    if fail_on == "level":
        return 1 if any(changed.kind != "same level" for changed in result.classes) else 0
    return 1 if result.changed else 0


def _write(result, args: argparse.Namespace) -> bool:
    """Print the review, or write it to --output (saying so); True when written to a file."""
    if args.format == "html":
        from chatbot.review.html import html

        text = html(result)
    else:
        from chatbot.review.notes import markdown, text as plain

        text = markdown(result) if args.format == "markdown" else plain(result, _width(args.output))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(plural("{path}: {format} review of {old} → {new}: {count} class changes ({down} down-triage, "
                   "{unaccepted} not accepted)", "{path}: {format} review of {old} → {new}: {count} classes change "
                   "({down} down-triage, {unaccepted} not accepted)").count(len(result.classes)),
            path=args.output, format=args.format, old=result.old.given, new=result.new.given,
            down=len(result.of_kind("down-triage")), unaccepted=len(result.unaccepted))
        return True
    print(text, end="")
    return False


def _width(output: str | None) -> int:
    """The terminal's width when printing (piped to a pager, the terminal the pager runs in), 60 to 120
    columns; 100 in a file or away from any terminal."""
    if output is None:
        import os

        for stream in (sys.stdout, sys.stderr):
            try:
                return max(60, min(120, os.get_terminal_size(stream.fileno()).columns - 1))
            except (OSError, ValueError):
                continue
    return 100


def _usage(text: Message, /, **values: object) -> int:
    print("chatbot diff: " + said(text, **values), file=sys.stderr)
    return 2
