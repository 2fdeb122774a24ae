"""One-line handlers and handlers written on the `except` line."""

import socket


def hostname_or_ip(addr):
    try: return socket.gethostbyaddr(addr)[0]
    except Exception: return addr  # expect: RES301


def close_quietly(sock):
    try: sock.shutdown(socket.SHUT_RDWR)
    except Exception: pass  # expect: RES301
    sock.close()


def parse_port(value, default=8080):
    try:
        return int(value)
    except Exception:pass  # expect: RES301
    return default


def bump(stats, key):
    try:
        stats[key] += 1
    except Exception: stats[key] = 1  # expect: RES301


def rethrow_inline(conn):
    try: conn.commit()
    except: conn.rollback(); raise
