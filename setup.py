"""Installs the addons as ``odoo.addons.customer_care``,
``odoo.addons.customer_care_stock``, ``odoo.addons.customer_care_website``,
``odoo.addons.customer_care_dashboard`` and
``odoo.addons.customer_care_livechat`` (the Inventory, Website, Dashboards
and Live Chat bridges, which Odoo installs by itself only where Inventory,
Website, Odoo's spreadsheet dashboards or Live Chat are installed), and
``odoo.addons.customer_care_messaging`` (the chat apps, which an
administrator installs).

Odoo finds addons installed this way without any ``addons_path`` entry:
``odoo.addons`` is a namespace package, so the installed folder joins it.
Odoo 19.0 itself is a prerequisite (see README.md), not installed from here.
"""

import ast
import pathlib

from setuptools import setup

try:  # setuptools >= 64 (PEP 660 editable installs)
    from setuptools.command.editable_wheel import editable_wheel
except ImportError:  # pragma: no cover - older setuptools
    editable_wheel = None

HERE = pathlib.Path(__file__).resolve().parent
ADDON = "customer_care"
ADDONS = (
    ADDON,
    "customer_care_stock",
    "customer_care_website",
    "customer_care_dashboard",
    "customer_care_messaging",
    "customer_care_livechat",
)
MANIFEST = ast.literal_eval((HERE / ADDON / "__manifest__.py").read_text())


def packages(addon):
    """The addon's Python packages, named under ``odoo.addons``."""
    found = []
    for init in sorted((HERE / addon).rglob("__init__.py")):
        relative = init.parent.relative_to(HERE / addon)
        found.append(".".join(("odoo", "addons", addon, *relative.parts)))
    return found


def package_data(addon):
    """Every non-Python file of the addon (views, data, static, i18n…)."""
    root = HERE / addon
    return [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]


cmdclass = {}
if editable_wheel is not None:

    class StrictEditableWheel(editable_wheel):
        """``pip install -e .`` builds a link tree ``odoo/addons/<addon>``.

        setuptools' default editable mode imports the addon through a finder
        hook that Odoo's module discovery (which lists the folders of
        ``odoo.addons.__path__``) cannot see; the strict mode's link tree is
        a real folder inside that namespace.
        """

        def finalize_options(self):
            super().finalize_options()
            self.mode = self.mode or "strict"

    cmdclass["editable_wheel"] = StrictEditableWheel


setup(
    cmdclass=cmdclass,
    name=f"odoo-addon-{ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    install_requires=["odoo>=19.0,<19.1", "lxml"],
    packages=[name for addon in ADDONS for name in packages(addon)],
    package_dir={
        name: str(pathlib.Path(addon, *name.split(".")[3:]))
        for addon in ADDONS
        for name in packages(addon)
    },
    package_data={f"odoo.addons.{addon}": package_data(addon) for addon in ADDONS},
    zip_safe=False,
    classifiers=[
        "Programming Language :: Python :: 3",
        "Framework :: Odoo",
        "Framework :: Odoo :: 19.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
)
