"""A PostgreSQL primary and a streaming read replica for the load run.

``bench/load/run.py --replica`` runs the same scenario twice on the same
data, once with the Odoo nodes on the primary only and once with Odoo's
``--db_replica_host``/``--db_replica_port`` pointing at the replica, and
prints the two side by side.  To compare like with like, both runs use a
pair of clusters made here, under ``.local/load/pg/`` (ignored by git):

* ``primary``: ``initdb``, streaming replication allowed from 127.0.0.1,
  ``pg_stat_statements`` loaded; the prepared load database is copied into
  it once (``pg_dump | pg_restore``) and kept as the pristine template;
* ``replica``: ``pg_basebackup -R`` of the primary, a hot standby on its
  own port, ``pg_stat_statements`` loaded too.

Each run starts from a fresh copy of the template (``CREATE DATABASE …
TEMPLATE``, replayed on the replica like any write) and its filestore.
Both clusters are started and stopped by process id (``postmaster.pid``).
"""

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

import psycopg2

ROLE = "odoo"


def log(message, *args):
    print(f"[load] {message % args}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bindir():
    """The folder of ``initdb``/``pg_ctl``/``pg_basebackup``."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(str(p) for p in Path("/usr/lib/postgresql").glob("*/bin"))[::-1]
    for folder in candidates:
        if (
            folder
            and (Path(folder) / "pg_basebackup").exists()
            and (Path(folder) / "initdb").exists()
        ):
            return Path(folder)
    raise SystemExit(
        "--replica needs the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup): "
        "install the PostgreSQL server package"
    )


class Cluster:
    """One PostgreSQL cluster in ``folder``, listening on 127.0.0.1:``port``."""

    def __init__(self, name, folder, port):
        self.name = name
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = port
        self.process_id = None

    # initdb and postgres refuse to run as root: the files belong to the
    # postgres account then, and the programs run as it
    def _as_owner(self):
        if os.getuid() != 0:
            return []
        return ["runuser", "-u", "postgres", "--"]

    def _own(self):
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
            subprocess.run(["chown", "-R", "postgres", str(self.folder)], check=True)

    def run(self, program, *arguments, **kwargs):
        command = [*self._as_owner(), str(pg_bindir() / program), *arguments]
        return subprocess.run(command, check=True, **kwargs)

    def configure(self, extra):
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.folder}'",
            "shared_preload_libraries": "'pg_stat_statements'",
            "pg_stat_statements.track": "'top'",
            "pg_stat_statements.max": "10000",
            "max_connections": "200",
            "shared_buffers": "'256MB'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            **extra,
        }
        auto = self.data / "postgresql.auto.conf"
        lines = [
            line
            for line in (auto.read_text().splitlines() if auto.exists() else [])
            if line.split("=")[0].strip() not in settings
        ]
        lines += [f"{key} = {value}" for key, value in settings.items()]
        auto.write_text("\n".join(lines) + "\n")

    def start(self):
        if self.running():
            return
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "120",
            "start",
            stdout=subprocess.DEVNULL,
        )
        self.process_id = int((self.data / "postmaster.pid").read_text().split()[0])
        log("%s PostgreSQL: pid %d on 127.0.0.1:%d", self.name, self.process_id, self.port)

    def running(self):
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return False
        pid = int(pid_file.read_text().split()[0])
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        self.process_id = pid
        return True

    def stop(self):
        if not self.running():
            return
        os.kill(self.process_id, signal.SIGINT)  # fast shutdown
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.running():
            time.sleep(0.5)
        log("%s PostgreSQL stopped (pid %d)", self.name, self.process_id)

    def connect(self, dbname="postgres"):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname=dbname)
        conn.autocommit = True
        return conn

    def query(self, sql, params=None, dbname="postgres"):
        with contextlib.closing(self.connect(dbname)) as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None


class Pair:
    """The primary and its replica, under ``root``."""

    def __init__(self, root):
        self.root = Path(root)
        self.primary = Cluster("primary", self.root / "primary", self._port("primary"))
        self.replica = Cluster("replica", self.root / "replica", self._port("replica"))

    def _port(self, name):
        # a cluster keeps its port from one run to the next
        saved = self.root / f"{name}.port"
        if saved.exists():
            return int(saved.read_text())
        port = free_port()
        self.root.mkdir(parents=True, exist_ok=True)
        saved.write_text(str(port))
        return port

    def make_primary(self):
        primary = self.primary
        if (primary.data / "PG_VERSION").exists():
            return
        primary.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        primary._own()
        log("initdb of the primary in %s", primary.data)
        primary.run(
            "initdb",
            "-D",
            str(primary.data),
            "-U",
            ROLE,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            stdout=subprocess.DEVNULL,
        )
        (primary.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 trust\n"
            "local replication all trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        primary.configure({"wal_level": "replica", "max_wal_senders": "4"})

    def copy_database(self, source_dsn, dbname, filestore_root):
        """The prepared database, copied once into the primary as ``dbname``
        with ``pg_stat_statements`` created in it."""
        exists = self.primary.query("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
        if exists:
            log("reusing %s on the primary (--replace copies it again)", dbname)
            return
        log("copying the load database into the primary (pg_dump | pg_restore)")
        self.primary.query(f'CREATE DATABASE "{dbname}"')
        dump = subprocess.Popen(
            [str(pg_bindir() / "pg_dump"), "-Fc", "--no-owner", "-d", source_dsn],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            [
                str(pg_bindir() / "pg_restore"),
                "--no-owner",
                "--role",
                ROLE,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                ROLE,
                "-d",
                dbname,
            ],
            stdin=dump.stdout,
            check=True,
        )
        dump.stdout.close()
        if dump.wait():
            raise SystemExit("pg_dump of the load database failed")
        self.primary.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", dbname=dbname)
        self.primary.query("VACUUM ANALYZE", dbname=dbname)
        source = Path(filestore_root) / source_dsn
        if source_dsn != dbname and source.exists():
            shutil.copytree(source, Path(filestore_root) / dbname, dirs_exist_ok=True)

    def make_replica(self):
        replica = self.replica
        if (replica.data / "PG_VERSION").exists():
            return
        replica.folder.mkdir(parents=True, exist_ok=True)
        replica._own()
        log("pg_basebackup of the primary into %s", replica.data)
        replica.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary.port),
            "-U",
            ROLE,
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        replica.configure({"hot_standby": "on", "hot_standby_feedback": "on"})

    def drop(self):
        """Both clusters stopped and their folders removed (``--replace``)."""
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def clone(self, template, dbname, filestore_root):
        """A fresh copy of ``template`` named ``dbname``, and its filestore."""
        self.primary.query(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        self.primary.query(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
        target = Path(filestore_root) / dbname
        shutil.rmtree(target, ignore_errors=True)
        source = Path(filestore_root) / template
        if source.exists():
            shutil.copytree(source, target)
        self.wait_replayed()

    def wait_replayed(self, timeout=300):
        """Until the replica has replayed everything the primary wrote."""
        (lsn,) = self.primary.query("SELECT pg_current_wal_lsn()")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            (behind,) = self.replica.query(
                "SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())", (lsn,)
            )[0]
            if behind is not None and behind <= 0:
                return
            time.sleep(1)
        raise SystemExit(f"the replica did not catch up in {timeout} s")

    def reset_statements(self, dbname):
        for cluster in (self.primary, self.replica):
            cluster.query("SELECT pg_stat_statements_reset()", dbname=dbname)

    def statements(self, dbname, report_relations):
        """SELECT statements run on each cluster for ``dbname``: all of them,
        and those reading a report relation (a care report view or
        materialized view), as {cluster: (all, reports)} in calls."""
        counts = {}
        for cluster in (self.primary, self.replica):
            rows = cluster.query(
                """SELECT s.query, s.calls FROM pg_stat_statements s
                     JOIN pg_database d ON d.oid = s.dbid
                    WHERE d.datname = %s""",
                (dbname,),
                dbname=dbname,
            )
            selects = [(q, c) for q, c in rows if q.lstrip().upper().startswith(("SELECT", "WITH"))]
            reports = [c for q, c in selects if any(relation in q for relation in report_relations)]
            counts[cluster.name] = (sum(c for _q, c in selects), sum(reports))
        return counts


class LagProbe(threading.Thread):
    """Samples the replica's replay lag on the primary every two seconds."""

    def __init__(self, primary):
        super().__init__(daemon=True)
        self.primary = primary
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        with contextlib.closing(self.primary.connect()) as conn, conn.cursor() as cr:
            while not self.stopping.wait(2):
                cr.execute(
                    """SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) * 1000
                         FROM pg_stat_replication LIMIT 1"""
                )
                row = cr.fetchone()
                if row is not None:
                    self.samples.append(float(row[0]))

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)
        if not self.samples:
            return {"samples": 0}
        ordered = sorted(self.samples)
        return {
            "samples": len(ordered),
            "median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
        }
