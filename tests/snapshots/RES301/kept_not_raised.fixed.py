"""The handler hands the error to a method or an attribute, but nothing raises it: the bare
`except:` still catches `KeyboardInterrupt` and `SystemExit` for good."""

import sys


class Hub:
    def fire(self, timer):
        try:
            timer()
        except Exception:  # expect: RES301
            self.squelch(sys.exc_info())

    def squelch(self, info):
        print("timer failed", info)


class Recorder:
    def step(self, action):
        try:
            action()
        except Exception:  # expect: RES301
            self.last_error = sys.exc_info()

    def report(self):
        return str(self.last_error)


class Mixed:
    def run(self, action):
        try:
            action()
        except Exception:  # expect: RES301
            self.failures = 1

    def check(self):
        if self.failures:
            raise RuntimeError(self.failures)


def open_port(handle):
    try:
        handle.open()
    except Exception:  # expect: RES301
        try:
            handle.close()
        except Exception:  # expect: RES301
            return False
        raise


def open_quietly(handle):
    try:
        handle.open()
    except OSError:
        try:
            handle.close()
        except Exception:  # expect: RES301
            pass
        handle.log("could not open")
