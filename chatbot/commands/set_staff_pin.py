"""`chatbot set-staff-pin`: set the PIN staff type to leave kiosk mode."""

from __future__ import annotations

import argparse
import getpass
import sys

from chatbot.kiosk.staff_pin import MAX_DIGITS, MIN_DIGITS, PinError, set_pin

NAME = "set-staff-pin"
HELP = f"set the staff PIN ({MIN_DIGITS} to {MAX_DIGITS} digits) that leaves kiosk mode (stored as a scrypt hash)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true",
                        help="read the PIN from standard input (for provisioning scripts) instead of asking; it is "
                             "read from there anyway when standard input is not a terminal")


def run(args: argparse.Namespace) -> int:
    try:
        if args.stdin or not sys.stdin.isatty():  # a provisioning script's pipe, as `chatbot staff add` reads it
            pin = sys.stdin.readline().strip()
        else:
            pin = getpass.getpass(f"New staff PIN ({MIN_DIGITS} to {MAX_DIGITS} digits): ")
            if getpass.getpass("Type it again: ") != pin:
                print("The two PINs differ. Nothing was changed.", file=sys.stderr)
                return 1
        path = set_pin(pin)
    except PinError as error:
        print(f"{error} Nothing was changed.", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nNothing was changed.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot save the PIN: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Staff PIN saved (hashed) in {path}")
    return 0
