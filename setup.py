"""The build copies the files people edit at the top of the checkout (templates/, the bundled
sample: config.yaml and workbooks/) into the package, so a wheel (`pip install .`) carries them.

They stay where they are edited; an editable install (`pip install -e .`) reads them there.
Everything else is declared in setup.cfg.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# what reporting/wording.py looks for in reporting/bundled/ before the checkout's top folder
BUNDLED = ("templates", "workbooks", "config.yaml")


class BuildWithBundledFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "reporting" / "bundled"
        shutil.rmtree(target, ignore_errors=True)
        for name in BUNDLED:
            src = HERE / name
            if src.is_dir():
                shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target / name)


setup(cmdclass={"build_py": BuildWithBundledFiles})
