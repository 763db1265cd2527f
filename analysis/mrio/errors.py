"""Errors raised by the input-output algebra."""


class MrioError(ValueError):
    """The table cannot be used: non-finite input, wrong shape, or a singular system.

    The message names the year, economy and sector where that is possible.
    """
