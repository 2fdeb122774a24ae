# reslint-test: [rules.RES601]
# reslint-test: every-program = true
"""Directories created after checking that they are missing: the fixable shapes."""

import os
import os.path as osp
from os.path import isdir
from pathlib import Path


def prepare_output(output_dir):
    os.makedirs(output_dir, exist_ok=True)  # expect: RES601


def prepare_logs(log_file):
    directory = os.path.dirname(os.path.abspath(log_file))
    os.makedirs(directory, mode=0o755, exist_ok=True)  # expect: RES601


def prepare_cache(root):
    os.makedirs(osp.join(root, "cache"), exist_ok=True)  # expect: RES601


def save_workspace(workspaces_dir: Path, raw: str) -> Path:
    workspaces_dir.mkdir(parents=True, exist_ok=True)  # expect: RES601
    target = workspaces_dir / "default.json"
    target.write_text(raw)
    return target


class Installer:
    def write(self, target_path: Path, data: bytes) -> None:
        target_path.unlink(missing_ok=True)  # expect: RES601
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target_path.write_bytes(data)


def make_dir_then_flag(path):
    # the check guards more than the call: flagged, no fix
    if not os.path.exists(path):
        os.mkdir(path)  # expect: RES601
        print("created", path)
