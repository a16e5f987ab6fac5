"""`chatbot export questionnaire [FLOW] [-o FILE]`: the flow as a FHIR R4 Questionnaire.

Writes a FHIR `collection` Bundle: the Questionnaire, the CodeSystem of the flow's
findings its choices are coded in, and the product's triage CodeSystems. A flow or an
export that fails is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from chatbot.catalog import message, plural
from chatbot.commands.said import complain, error_said

NAME = "export"
HELP = message("export the flow for record systems: questionnaire (FHIR R4)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    questionnaire = what.add_parser("questionnaire", help=message("the flow as a FHIR R4 Questionnaire with its CodeSystems"))
    questionnaire.add_argument("flow", nargs="?", metavar="FLOW", help=message("the flow file (default: the bundled flow)"))
    questionnaire.add_argument("-o", "--output", metavar="FILE", help=message("write to FILE instead of the standard output"))


def run(args: argparse.Namespace) -> int:
    from chatbot.fhir.check import FhirError
    from chatbot.fhir.files import json_text
    from chatbot.privatefile import write_private
    from chatbot.fhir.questionnaire import questionnaire_bundle
    from chatbot.flowfile.loader import load_flow

    flow = load_flow(args.flow or args.global_flow)
    try:
        text = json_text(questionnaire_bundle(flow))
        if args.output:
            write_private(args.output, text)
            complain(plural("{path}: FHIR Questionnaire of {flow} ({count} item)",
                            "{path}: FHIR Questionnaire of {flow} ({count} items)").count(len(flow.questions)),
                     path=args.output, flow=flow.file)
        else:
            sys.stdout.write(text)
    except (FhirError, OSError) as error:
        complain(message("chatbot export questionnaire: {error}"), error=error_said(error))
        return 2
    return 0
