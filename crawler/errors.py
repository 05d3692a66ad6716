"""Errors and exit codes shared by the command line and the components it runs."""

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


class CommandFailed(Exception):
    """A command that could not do its work at run time; printed in one line, exit code 1."""
