"""Default options: a module of a web application (it imports Django) runs in many worker
processes at once; an act that creates or removes a path it checked first loses the race."""

import os
import shutil
from pathlib import Path

from django.conf import settings


def attachment_dir(ticket_id):
    path = os.path.join(settings.MEDIA_ROOT, "attachments", str(ticket_id))
    os.makedirs(path, exist_ok=True)  # expect: RES601
    return path


def thumbnail_dir(name):
    folder = Path(settings.MEDIA_ROOT) / "thumbs" / name
    folder.mkdir(parents=True, exist_ok=True)  # expect: RES601
    return folder


def delete_upload(path):
    if os.path.exists(path):
        os.remove(path)  # expect: RES601


def clear_index(index_dir):
    if os.path.isdir(index_dir):
        shutil.rmtree(index_dir)  # expect: RES601


def read_export(path):
    # a read: with default options only acts that create or remove a path are reported
    if os.path.exists(path):
        with open(path) as f:
            return f.read()
    return None


def archive(old, new):
    # a move: not reported with default options
    if os.path.exists(old):
        os.rename(old, new)


def media_dir_ok(path):
    os.makedirs(path, exist_ok=True)
    return path
