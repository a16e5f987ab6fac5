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

from chatbot.kiosk.staff_pin import MAX_DIGITS, MIN_DIGITS
from chatbot.printable import printable
from chatbot.records.url import RecordsError, redact

NAME = "staff"
HELP = "the staff who sign in at the nurse station: add, list, remove, unlock"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=None,
                        help="the session store (default: CHATBOT_DATABASE, else the SQLite file in the data folder)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help=f"add a staff member; the PIN ({MIN_DIGITS} to "
                             f"{MAX_DIGITS} digits) is asked for (or read from standard input when it is not a "
                             "terminal)")
    add.add_argument("name", metavar="NAME")
    actions.add_parser("list", parents=[common], help="the staff, by name")
    remove = actions.add_parser("remove", parents=[common], help="remove a staff member")
    remove.add_argument("name", metavar="NAME")
    unlock = actions.add_parser("unlock", parents=[common], help="let a name locked by wrong PINs try again")
    unlock.add_argument("name", metavar="NAME")


def _pin() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass(f"PIN ({MIN_DIGITS} to {MAX_DIGITS} digits): ")
    if getpass.getpass("Type it again: ") != pin:
        print("chatbot staff add: the two PINs differ; nothing was changed", file=sys.stderr)
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
                print(f"{name} may sign in at the nurse station")
            elif args.action == "remove":
                remove_staff(reader, args.name)
                print(f"{args.name.strip()} removed")
            elif args.action == "unlock":
                was = unlock(reader, args.name)
                print(f"{args.name.strip()} may try a PIN again" if was else f"{args.name.strip()} was not locked")
            else:
                for name, added in list_staff(reader):
                    print(f"{printable(name)}\tadded {added.astimezone():%Y-%m-%d %H:%M}")
        return 0
    except PinError as error:
        print(f"chatbot staff {args.action}: {error} Nothing was changed.", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print(f"\nchatbot staff {args.action}: nothing was changed", file=sys.stderr)
        return 1
    except RecordsError as error:
        print(f"chatbot staff {args.action}: {printable(redact(str(error)))}", file=sys.stderr)
        return 2
