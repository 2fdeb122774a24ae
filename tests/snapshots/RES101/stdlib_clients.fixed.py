"""Standard-library network clients with no timeout (their default is the global socket default: none)."""

import ftplib
import http.client
import imaplib
import json
import poplib
import smtplib
import socket
import telnetlib
import urllib.request
from email.message import EmailMessage
from ftplib import FTP_TLS
from http.client import HTTPConnection
from urllib import request
from urllib.request import urlopen


def latest_release(repo):
    with urllib.request.urlopen(f"https://api.github.com/repos/{repo}/releases/latest", timeout=10) as resp:  # expect: RES101
        return json.load(resp)["tag_name"]


def post_metrics(url, body):
    # urlopen(url, data, timeout): two positional arguments still leave the timeout out
    return urlopen(url, body, timeout=10).status  # expect: RES101


def crl(url):
    return request.urlopen(url, timeout=10).read()  # expect: RES101


def ping_backend(host):
    conn = http.client.HTTPSConnection(host, timeout=10)  # expect: RES101
    conn.request("GET", "/healthz")
    return conn.getresponse().status


def ping_sidecar(port):
    # HTTPConnection(host, port, timeout): the port is not the timeout
    conn = HTTPConnection("127.0.0.1", port, timeout=10)  # expect: RES101
    conn.request("GET", "/ready")
    return conn.getresponse().status == 200


def port_open(host, port):
    with socket.create_connection((host, port), timeout=10):  # expect: RES101
        return True


def send_receipt(to, body, host="smtp.example.com"):
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Your receipt"
    msg.set_content(body)
    # SMTP(host, port, local_hostname, timeout): three positionals, the fourth missing
    with smtplib.SMTP(host, 587, "billing.example.com", timeout=10) as smtp:  # expect: RES101
        smtp.starttls()
        smtp.send_message(msg)


def send_alert(msg):
    with smtplib.SMTP_SSL("smtp.example.com", 465, timeout=10) as smtp:  # expect: RES101
        smtp.send_message(msg)


def relay(msg, host):
    # no host: nothing connects here, but connect() below uses this object's timeout
    smtp = smtplib.SMTP(timeout=10)  # expect: RES101
    smtp.connect(host, 25)
    smtp.send_message(msg)
    smtp.quit()


def upload_statement(path, host, user, password):
    # FTP(host, user, passwd, acct, timeout): the timeout would be the fifth
    ftp = ftplib.FTP(host, user, password, timeout=10)  # expect: RES101
    with open(path, "rb") as fh:
        ftp.storbinary(f"STOR {path}", fh)
    ftp.quit()


def list_bank_files(host):
    with FTP_TLS(host, timeout=10) as ftps:  # expect: RES101
        ftps.login()
        ftps.prot_p()
        return ftps.nlst()


def unread_bounces(host, user, password):
    box = imaplib.IMAP4_SSL(host, 993, timeout=10)  # expect: RES101
    box.login(user, password)
    box.select("INBOX")
    return box.search(None, "UNSEEN")


def legacy_inbox(host):
    # imaplib documents timeout=None as "use the global default socket timeout": the same as leaving it out
    box = imaplib.IMAP4(host, timeout=10)  # expect: RES101
    return box.capability()


def pop_count(host, user, password):
    # POP3(host, port, timeout)
    mailbox = poplib.POP3(host, 110, timeout=10)  # expect: RES101
    mailbox.user(user)
    mailbox.pass_(password)
    return mailbox.stat()[0]


def secure_pop(host):
    return poplib.POP3_SSL(host, timeout=10).stat()  # expect: RES101


def reboot_switch(host, password):
    # Telnet(host, port, timeout)
    tn = telnetlib.Telnet(host, 23, timeout=10)  # expect: RES101
    tn.read_until(b"Password: ", 5)
    tn.write(password.encode() + b"\n")
    tn.write(b"reload\n")
    tn.close()
