"""What the generator and the runner share: the database and the Odoo registry.

The scratch database is reached like every other tool of the project
reaches PostgreSQL: through libpq's defaults and the usual ``PG*``
variables (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``).
"""

import contextlib
import os
import platform
import sys
from pathlib import Path

import psycopg2

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / ".local" / "data"


def connect(dbname="postgres", autocommit=False):
    """A plain psycopg2 connection, for COPY and maintenance commands."""
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = autocommit
    return conn


def machine(cr):
    """The machine a benchmark ran on, for its printout: CPUs, Python,
    PostgreSQL (asked through ``cr``), system and load average."""
    cr.execute("SHOW server_version")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, PostgreSQL {cr.fetchone()[0]}, "
        f"{platform.platform()}, load average {load}"
    )


def db_exists(name):
    with contextlib.closing(connect()) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return cr.fetchone() is not None


def odoo_options(dbname, addons_path=None):
    """Odoo command-line options for ``dbname`` (connection from ``PG*``).

    ``addons_path`` defaults to this repository (another copy of the addon
    compares two versions of it on the same data).
    """
    options = [
        f"--database={dbname}",
        f"--addons-path={addons_path or REPO_ROOT}",
        f"--data-dir={DATA_DIR}",
        "--http-interface=127.0.0.1",
        "--log-level=warn",
    ]
    for var, option in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(var):
            options.append(f"{option}={os.environ[var]}")
    return options


def odoo_command(dbname, *extra, addons_path=None):
    """The ``python3 -m odoo`` command line for ``dbname``."""
    return [sys.executable, "-m", "odoo", *odoo_options(dbname, addons_path), *extra]


@contextlib.contextmanager
def odoo_env(dbname, addons_path=None):
    """An Odoo environment (superuser) on ``dbname``; commits on success.

    Loads the registry the way ``odoo shell`` and pytest-odoo do: parse the
    options, build the registry, open a cursor.
    """
    # imported here: only the commands that need Odoo pay for loading it
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_options(dbname, addons_path))
    registry = Registry(dbname)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def missing_columns(env):
    """Stored fields of the code that have no column in the database.

    A database generated before the addon changed lacks the new columns,
    and the ORM then fails on its first read: better to say so up front.
    """
    env.cr.execute(
        """SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema()"""
    )
    present = set(env.cr.fetchall())
    missing = []
    for model in env.registry.values():
        if model._abstract or not model._auto or model._table_query:
            continue
        for field in model._fields.values():
            if field.store and field.column_type and (model._table, field.name) not in present:
                missing.append(f"{model._name}.{field.name}")
    env.cr.rollback()
    return missing
