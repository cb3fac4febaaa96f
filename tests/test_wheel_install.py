"""Installed like any Python application: build the sdist and wheel, install the wheel into a
fresh virtual environment, and use it from an empty folder (issue #22).

No network is needed: the sdist and wheel are built with the setuptools already installed
(``--no-isolation``), the wheel is installed with ``--no-deps --no-index``, and the fresh
environment reaches its dependencies through a ``.pth`` line naming the folders this test's
interpreter found them in (a ``.pth`` line only adds a folder to ``sys.path``; the checkout's
editable install is not activated, so ``trainer`` itself comes from the wheel alone).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.fresh_python import ROOT

# What the source distribution is built from (MANIFEST.in names the same things).
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "Makefile",
    "trainer",
    "question_banks",
    "schema",
    "docs",
    "tests",
    "benchmarks",
    ".ci",
)
LEARNER = "Wheel Tester"
# Takes every required module for the learner's role, choosing the right answers, through
# the installed package's own session and store (plain mode has already taken one).
PASS_THE_COURSE = """
import sys
from trainer.bank.loader import load_course
from trainer.paths import shipped_course
from trainer.records.store import RecordsStore
from trainer.session import Session
from trainer.settings import Settings

course = load_course(shipped_course()).course
with RecordsStore.in_dir(Settings.resolve().data_dir.value) as store:
    learner = store.find_learner(sys.argv[1])
    for entry in course.modules:
        if entry.required and learner.role in entry.roles:
            module = course.module(entry.id)
            session = Session.start_new(store, course, module, learner, seed=1)
            while not session.finished:
                step = session.current.step
                right = [c.id for c in step.choices if c.correct]
                session.answer(right if str(step.type) == "multi" else right[:1])
"""


def _copy_sources(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_work", ".pytest_cache")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, dest / name)


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240, **kwargs)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc  # type: ignore[no-any-return]


def _dependency_folders(wheel: Path) -> list[str]:
    """Where this interpreter has the wheel's dependencies installed."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = HeaderParser().parsestr(zf.read(name).decode())
    folders: list[str] = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        folder = str(metadata.distribution(req.name).locate_file(""))
        if folder not in folders:
            folders.append(folder)
    return folders


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and wheel (the wheel built from the sdist), and the source copy."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    _copy_sources(src)
    dist = root / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)])
    return {
        "wheel": next(dist.glob("trainer-*.whl")),
        "sdist": next(dist.glob("trainer-*.tar.gz")),
        "root": root,
    }


@pytest.fixture(scope="module")
def installed(built: dict[str, Path]) -> dict[str, Path]:
    """A fresh virtual environment with the wheel installed, and an empty folder to run in."""
    root = built["root"]
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    bindir = "Scripts" if os.name == "nt" else "bin"
    python = venv / bindir / ("python.exe" if os.name == "nt" else "python")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", "--no-deps", "--no-index", str(built["wheel"])])
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    deps = _dependency_folders(built["wheel"])
    Path(purelib, "zz-trainer-test-deps.pth").write_text("\n".join(deps) + "\n")
    empty = root / "empty"
    empty.mkdir()
    home = root / "home"
    home.mkdir()
    return {"python": python, "bin": venv / bindir, "empty": empty, "home": home}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAINER_", "XDG_"))}
    env.pop("PYTHONPATH", None)
    env.update(HOME=str(home), USERPROFILE=str(home), NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return env


def _trainer(
    installed: dict[str, Path], *args: str, stdin: str | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    cmd = [str(installed["bin"] / "trainer"), *args]
    run = dict(cwd=installed["empty"], env=_env(installed["home"]), input=stdin)
    if ok:
        return _run(cmd, **run)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, **run)  # type: ignore[call-overload, no-any-return]


def test_wheel_holds_every_file_of_the_package_and_the_course(built: dict[str, Path]) -> None:
    """Each file under trainer/ and question_banks/ in the checkout is in the wheel."""
    with zipfile.ZipFile(built["wheel"]) as zf:
        names = set(zf.namelist())
    wanted = {
        f"trainer/{p.relative_to(ROOT / 'trainer').as_posix()}"
        for p in (ROOT / "trainer").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    } | {
        f"trainer/_course/{p.relative_to(ROOT / 'question_banks').as_posix()}"
        for p in (ROOT / "question_banks").rglob("*")
        if p.is_file()
    }
    assert "trainer/_course/course.yaml" in wanted and "trainer/tui/trainer.tcss" in wanted
    assert sorted(wanted - names) == []
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)


def test_sdist_can_rebuild_everything(built: dict[str, Path]) -> None:
    """The wheel was built from the sdist, so the sdist holds the course; check it says so."""
    import tarfile

    with tarfile.open(built["sdist"]) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert {"question_banks/course.yaml", "setup.py", "LICENSE", "MANIFEST.in"} <= names
    assert "trainer/fonts/DejaVuSans.ttf" in names


def test_installed_trainer_runs_from_an_empty_folder(installed: dict[str, Path]) -> None:
    where = _run(
        [str(installed["python"]), "-c", "import trainer.paths as p; print(p.__file__)"],
        cwd=installed["empty"],
        env=_env(installed["home"]),
    ).stdout.strip()
    purelib = sysconfig.get_paths()["purelib"]
    assert Path(where).is_relative_to(installed["bin"].parent), where
    assert not Path(where).is_relative_to(purelib)

    version = _trainer(installed, "--version").stdout
    shipped = installed["bin"].parent / "lib"
    assert version.startswith("trainer ")
    assert "course: consent-isnt-consent version " in version
    course_line = next(x for x in version.splitlines() if x.startswith("course: "))
    course_file = Path(course_line.split("(shipped: ")[1].rstrip(")"))
    assert course_file.is_relative_to(shipped) and course_file.is_file()
    assert f"data folder: {installed['home']}" in version  # platformdirs, under HOME

    # The shipped course validates; banks lists it; the installation checks out.
    _trainer(installed, "validate", str(course_file.parent))
    banks = _trainer(installed, "banks").stdout
    assert "consent-isnt-consent" in banks and "problem" not in banks
    doctor = _trainer(installed, "doctor").stdout
    assert "PROBLEM" not in doctor and doctor.rstrip().endswith("all required checks passed")
    _trainer(installed, "schema")


def test_installed_trainer_completes_a_module_and_certifies(installed: dict[str, Path]) -> None:
    # Plain mode, answering the first option at every prompt until the input ends.
    _trainer(installed, "--plain", "--learner", LEARNER, stdin="1\n" * 600)
    records = json.loads(_trainer(installed, "records", "--format", "json").stdout)["records"]
    finished = [r for r in records if r["learner"] == LEARNER and r["finished_at"]]
    assert finished, records

    refused = _trainer(installed, "certificate", "--learner", LEARNER, "-o", "early.pdf", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr

    script = installed["empty"].parent / "pass_the_course.py"
    script.write_text(PASS_THE_COURSE, encoding="utf-8")
    _run(
        [str(installed["python"]), str(script), LEARNER],
        cwd=installed["empty"],
        env=_env(installed["home"]),
    )
    _trainer(installed, "certificate", "--learner", LEARNER, "-o", "cert.pdf")
    pdf = installed["empty"] / "cert.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    verified = _trainer(installed, "verify", "cert.pdf").stdout
    assert "VALID" in verified and LEARNER in verified
