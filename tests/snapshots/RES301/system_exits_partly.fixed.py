"""An earlier clause that re-raises something else, or only one of the system exits, or does
not always re-raise, leaves the bare clause catching the rest."""

import sys


class ExitNow(Exception):
    pass


def poll(obj):
    try:
        obj.handle_read()
    except ExitNow:
        raise
    except Exception:  # expect: RES301
        obj.handle_error()


def only_interrupt(callback):
    try:
        callback()
    except KeyboardInterrupt:
        raise
    except Exception:  # expect: RES301
        print("callback failed", sys.exc_info()[1])


def maybe(callback, strict):
    try:
        callback()
    except (KeyboardInterrupt, SystemExit):
        if strict:
            raise
    except Exception:  # expect: RES301
        print("callback failed")
