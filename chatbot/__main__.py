"""`python -m chatbot` is the same as the `chatbot` command."""

import sys

from chatbot.cli import main

sys.exit(main())
