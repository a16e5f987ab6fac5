"""`chatbot set-staff-pin`: set the PIN staff type to leave kiosk mode."""

from __future__ import annotations

import argparse
import getpass
import sys

from chatbot.catalog import message
from chatbot.commands.said import complain, said, say
from chatbot.commands.staff import TYPE_AGAIN
from chatbot.kiosk.staff_pin import MAX_DIGITS, MIN_DIGITS, PinError, set_pin

NAME = "set-staff-pin"
HELP = message("set the staff PIN ({MIN_DIGITS} to {MAX_DIGITS} digits) that leaves kiosk mode (stored as a scrypt hash)").fill(MIN_DIGITS=MIN_DIGITS, MAX_DIGITS=MAX_DIGITS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true",
                        help=message("read the PIN from standard input (for provisioning scripts) instead of asking; it is read from there anyway when standard input is not a terminal"))


def run(args: argparse.Namespace) -> int:
    try:
        if args.stdin or not sys.stdin.isatty():  # a provisioning script's pipe, as `chatbot staff add` reads it
            pin = sys.stdin.readline().strip()
        else:
            pin = getpass.getpass(said(message("New staff PIN ({least} to {most} digits): "), least=MIN_DIGITS,
                                       most=MAX_DIGITS))
            if getpass.getpass(said(TYPE_AGAIN)) != pin:
                complain(message("The two PINs differ. Nothing was changed."))
                return 1
        path = set_pin(pin)
    except PinError as error:
        complain(message("{error} Nothing was changed."), error=error.said)
        return 1
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        complain(message("Nothing was changed."))
        return 1
    except OSError as error:
        complain(message("Cannot save the PIN: {reason}"), reason=error.strerror or error)
        return 1
    say(message("Staff PIN saved (hashed) in {path}"), path=path)
    return 0
