#!/usr/bin/env python
"""Django's command-line utility for Kaifaqu."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.settings")
    from django.core.management import execute_from_command_line

    # Writes made by management commands are recorded in the change history with source "command";
    # requests served by runserver set their own source per request.
    os.environ.setdefault("KFQ_DEFAULT_CHANGE_SOURCE", "command")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
