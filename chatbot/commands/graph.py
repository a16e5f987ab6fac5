"""`chatbot graph`: not built yet."""

import argparse

NAME = "graph"
HELP = "(not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("chatbot graph is not built yet")
    return 2
