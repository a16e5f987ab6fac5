"""`chatbot replay`: not built yet."""

import argparse

NAME = "replay"
HELP = "(not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("chatbot replay is not built yet")
    return 2
