"""`chatbot staff add NAME | list | remove NAME | unlock NAME`: who may sign in at the nurse station.

The PIN (6 to 12 digits) is read from standard input when it is not a terminal
(provisioning scripts), else asked twice without echo; it is kept only as its scrypt
hash (`chatbot.pinhash`) in the session store. `unlock` lets a name locked by 10 wrong
PINs in a row try again. On PostgreSQL this is the admin's work: run it as a login of
`chatbot_admin` (a staff login may not change the staff list, nor read a PIN's hash).
Anything wrong is one line on stderr, nothing changed.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from chatbot.catalog import message
from chatbot.commands.said import complain, error_said, said, say
from chatbot.kiosk.staff_pin import MAX_DIGITS, MIN_DIGITS
from chatbot.printable import printable
from chatbot.records.url import RecordsError, redact

NAME = "staff"
HELP = message("the staff who sign in at the nurse station: add, list, remove, unlock")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=None,
                        help=message("the session store (default: CHATBOT_DATABASE, else the SQLite file in the data folder)"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help=message("add a staff member; the PIN ({MIN_DIGITS} to {MAX_DIGITS} digits) is asked for (or read from standard input when it is not a terminal)").fill(MIN_DIGITS=MIN_DIGITS, MAX_DIGITS=MAX_DIGITS))
    add.add_argument("name", metavar="NAME")
    actions.add_parser("list", parents=[common], help=message("the staff, by name"))
    remove = actions.add_parser("remove", parents=[common], help=message("remove a staff member"))
    remove.add_argument("name", metavar="NAME")
    unlock = actions.add_parser("unlock", parents=[common], help=message("let a name locked by wrong PINs try again"))
    unlock.add_argument("name", metavar="NAME")


TYPE_AGAIN = message("Type it again: ")


def _pin() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass(said(message("PIN ({least} to {most} digits): "), least=MIN_DIGITS, most=MAX_DIGITS))
    if getpass.getpass(said(TYPE_AGAIN)) != pin:
        complain(message("chatbot staff add: the two PINs differ; nothing was changed"))
        return None
    return pin


def run(args: argparse.Namespace) -> int:
    from chatbot.kiosk.staff_pin import PinError
    from chatbot.nurse.signin import new_staff_pin
    from chatbot.records.backends import open_reader
    from chatbot.records.staff import add_staff, list_staff, remove_staff, unlock
    from chatbot.records.model import now

    try:
        if args.action == "add":
            pin = _pin()
            if pin is None:
                return 1
            name, pin_hash = new_staff_pin(args.name, pin)
        with open_reader(args.database) as reader:
            if args.action == "add":
                add_staff(reader, name, pin_hash, now())
                say(message("{name} may sign in at the nurse station"), name=name)
            elif args.action == "remove":
                remove_staff(reader, args.name)
                say(message("{name} removed"), name=args.name.strip())
            elif args.action == "unlock":
                was = unlock(reader, args.name)
                say(message("{name} may try a PIN again") if was else message("{name} was not locked"),
                    name=args.name.strip())
            else:
                for name, added in list_staff(reader):
                    say(message("{name}\tadded {when}"), name=printable(name), when=f"{added.astimezone():%Y-%m-%d %H:%M}")
        return 0
    except PinError as error:
        complain(message("chatbot staff {action}: {error} Nothing was changed."), action=args.action, error=error.said)
        return 1
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        complain(message("chatbot staff {action}: nothing was changed"), action=args.action)
        return 1
    except RecordsError as error:
        print(f"chatbot staff {args.action}: {printable(redact(error_said(error)))}", file=sys.stderr)
        return 2
