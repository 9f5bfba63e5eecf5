"""The passes over a log's lines on Apache Spark, through Ibis: the same expressions as on DuckDB.

SparkEngine has the interface the passes use (reportgen.engine.Engine): it reads CSV and Parquet files
itself, runs the Ibis expressions of reportgen.ingest.logparse and reportgen.analysis.logpasses, and
brings their small results (one row per client at most) back through Arrow. Spark is optional
(`pip install 'reportgen[spark]'`) and needs a Java runtime: require_spark() says what to install.

What differs from DuckDB, and why:
- every CSV cell is read as text and the passes parse it (DuckDB's typed fast path has no Spark
  equivalent that refuses a bad cell: Spark's reader would make it a silent null);
- clients are grouped by their id itself: Spark spills an aggregation keyed by text, and its own `hash` is
  32 bits wide, too narrow to key a million clients; the hashes the passes still take (the sample of
  clients for the gaps between purchases) are Spark's 64-bit xxhash64;
- lines with another number of fields than the header are counted (Spark marks them as corrupt records)
  but their line numbers are not known: a distributed reader does not count lines.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from reportgen.engine import arrow_frame
from reportgen.errors import UserError
from reportgen.i18n.ui import _
from reportgen.settings import EngineSettings

# Spark's column for the lines it could not split into the header's fields
CORRUPT = "_rg_corrupt"
# Settings every session of ours gets unless engine.spark_conf says otherwise: no web UI (a port and a
# thread for nobody), Arrow for the results, few shuffle partitions (the results are small)
DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.shuffle.partitions": "8",
}
INSTALL = "pip install 'reportgen[spark]'"
# What Spark says when it fails while running our passes for reasons of its own (memory, results too large
# for the driver, a worker or the JVM lost): the user's to fix in the settings or the cluster. Anything else
# it raises (a query it cannot analyse) stays an internal error: that would be a bug of ours. Most telling
# first: the line quoted is the first found in this order.
RUN_FAILURES = ("maxResultSize", "OutOfMemoryError", "SparkContext was shut down", "stopped SparkContext",
                "Answer from Java side is empty", "Connection refused", "Error while sending or receiving",
                "Py4JNetworkError", "Job aborted")
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


def require_spark() -> None:
    """Raise UserError (exit 2) saying what to install when pyspark or a Java runtime is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError(_("--engine spark needs PySpark, which is not installed."),
                        hint=_("Install it with: {command} (it also needs a Java 17 runtime, e.g. the Debian "
                               "package openjdk-17-jre-headless).").format(command=INSTALL)) from None
    if not java_found():
        raise UserError(_("--engine spark needs a Java runtime (17 or newer), and none was found."),
                        hint=_("Install one (e.g. sudo apt-get install openjdk-17-jre-headless) or set JAVA_HOME "
                               "to it."))


def java_found() -> bool:
    """Return whether a `java` program is found through JAVA_HOME or on the PATH, as Spark looks for it."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return (Path(home) / "bin" / "java").is_file()
    return shutil.which("java") is not None


def session(settings: EngineSettings, scratch: Path | None = None):
    """Return the active SparkSession (a test's, a notebook's, a cluster job's), else a new one on
    engine.spark_master with engine.spark_conf, its warehouse and local files in `scratch`; and whether it was
    made here (then close() stops it)."""
    require_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = SparkSession.builder.master(settings.spark_master).appName("reportgen")
    # the driver's logging from its start (setLogLevel comes after the startup warnings)
    quiet = {"spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}"}
    # Spark makes 'spark-warehouse' in the current folder unless told where: nothing may be left behind
    own = {"spark.sql.warehouse.dir": str(scratch / "warehouse"), "spark.local.dir": str(scratch)} if scratch else {}
    conf = {**DEFAULT_CONF, **own, **quiet, **{k: str(v).lower() if isinstance(v, bool) else str(v)
                                               for k, v in settings.spark_conf.items()}}
    for key, value in conf.items():
        builder = builder.config(key, value)
    made = None
    try:
        made = builder.getOrCreate()
        made.sparkContext.setLogLevel("ERROR")  # its warnings are about the cluster, not the user's data
        made.conf.get("spark.sql.shuffle.partitions")  # builds the SQL session state: it checks the SQL settings
    except Exception as exc:  # a master Spark does not know, a setting its JVM refuses: the user's to fix
        if made is not None:
            made.stop()
        raise start_error(settings, exc) from exc
    return made, True


def start_error(settings: EngineSettings, exc: Exception) -> UserError:
    """Return the exit-2 error for a Spark session that would not start: the master and settings given, and
    Spark's reason (its JVM prints the details itself, above our message)."""
    while getattr(exc, "_cause", None) is not None:  # PySpark's captured JVM error keeps its cause apart
        exc = exc._cause
    lines = [line.strip() for line in str(exc).strip().splitlines()] or [type(exc).__name__]
    # the JVM's innermost cause names the setting ('... in spark.sql.shuffle.partitions is invalid'), where
    # the first line may only say which of its classes failed
    causes = [line for line in lines if line.startswith("Caused by:")]
    reason = _without_class(causes[-1] if causes else lines[0])[:300]
    conf = ", ".join(f"{key} = {value}" for key, value in settings.spark_conf.items())
    message = (_("Spark did not start with engine.spark_master = {master} and engine.spark_conf {conf}: {reason}")
               if conf else _("Spark did not start with engine.spark_master = {master}: {reason}"))
    return UserError(
        message.format(master=settings.spark_master, conf=conf, reason=reason),
        hint=_("Give engine.spark_master as local[2], local[*], spark://host:7077, yarn or k8s://…, check that its "
               "master runs and can be reached from this machine, and check the values under [engine.spark_conf]; "
               "Spark's own message, printed above, says which."))


def tell_run_failure(settings: EngineSettings, exc: Exception) -> None:
    """Raise the exit-2 error for Spark failing while it ran (see run_failure); return for any other exception,
    which the caller raises as it is."""
    failure = run_failure(settings, exc)
    if failure is not None:
        raise failure from exc


def run_failure(settings: EngineSettings, exc: BaseException | None) -> UserError | None:
    """Return the exit-2 error for Spark failing while it ran (see RUN_FAILURES), with Spark's line that says
    why; None for any other exception."""
    seen = 0
    while exc is not None and seen < 5:
        lines = f"{type(exc).__name__}: {exc}".splitlines()
        line = next((line.strip() for marker in RUN_FAILURES for line in lines if marker in line), None)
        if line:
            reason = _without_class(line)[:300]
            return UserError(
                _("Spark stopped while it ran the passes (engine.spark_master = {master}): {reason}").format(
                    master=settings.spark_master, reason=reason),
                hint=_("This comes from Spark, not from the data: give it more memory under [engine.spark_conf] "
                       "(spark.driver.memory, spark.executor.memory, spark.driver.maxResultSize), check that its "
                       "workers are running, or run on this machine with --engine duckdb."))
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _without_class(line: str) -> str:
    """Return a line of a Java error without the exception classes before its message."""
    message = re.sub(r"^[\s:]*(?:Caused by:\s*)?(?:[\w$]+(?:\.[\w$]+)*(?:Exception|Error):\s*)+", "", line)
    return message.strip() or line.strip()


class SparkEngine:
    """An Ibis connection to a SparkSession with the interface of reportgen.engine.Engine; a context manager."""

    name = "spark"
    # Spark spills aggregations keyed by text: clients are grouped by their ids (see the module)
    integer_keys = False
    # no typed fast path: every CSV cell is text, parsed by the passes
    typed_reader = False
    # no reader of date formats either: text dates are read by the passes' regular expressions, which read
    # them as DuckDB's try_strptime and its fallback do (Spark's own formats are another language)
    strptime = None

    def __init__(self, settings: EngineSettings, base_dir: Path | None = None) -> None:
        import ibis

        # a folder of the run's own for the session's warehouse and scratch files, removed by close()
        self.spill = Path(tempfile.mkdtemp(prefix="reportgen-spark-"))
        try:
            self.session, self._own = session(settings, self.spill)
        except BaseException:
            shutil.rmtree(self.spill, ignore_errors=True)
            raise
        self.engine_settings = settings
        try:
            self.con = ibis.pyspark.connect(self.session)
        except BaseException:
            self._stop()
            raise
        # the executors' memory when it is set (a cluster's); Spark spills beyond it
        self.memory_limit = self.session.conf.get("spark.executor.memory", None)
        self._count = 0
        self._raw = None

    def __enter__(self) -> "SparkEngine":
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        self.close(failed=exc is not None)
        if isinstance(exc, Exception):
            tell_run_failure(self.engine_settings, exc)

    def close(self, failed: bool = False) -> None:
        """Drop this run's views, and stop the session if it was made here."""
        try:
            for view in self.session.catalog.listTables():
                if view.isTemporary and view.name.startswith("rg_"):
                    self.session.catalog.dropTempView(view.name)
        except Exception:
            if not failed:
                raise
            # a session that has just failed may fail again listing its views: the first failure is the one
            # to tell, and stopping the session drops them
        finally:
            self._stop()

    def _stop(self) -> None:
        """Stop the session if it was made here, and remove the run's scratch folder."""
        try:
            if self._own:
                self.session.stop()
        finally:
            shutil.rmtree(self.spill, ignore_errors=True)

    def _name(self, stem: str) -> str:
        """Return a fresh view name for this run."""
        self._count += 1
        return f"rg_{stem}_{self._count}"

    @staticmethod
    def hash(column):
        """Return a 64-bit hash of a text column (Spark's xxhash64; its `hash` has 32 bits)."""
        return xxhash64(column)

    def read_csv(self, path: Path, separator: str, columns: dict[str, str], nulls: list[str] | None = None,
                 decimal: str = "."):
        """Return the lines of a UTF-8 CSV file with every cell as text (`columns`' names; their types are
        DuckDB's fast path's and not used), lines with another number of fields left out and counted by
        rejected_lines()."""
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(name, StringType()) for name in [*columns, CORRUPT]])
        frame = self.session.read.csv(str(path), schema=schema, sep=separator, header=True, quote='"', escape='"',
                                      encoding="UTF-8", mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT,
                                      enforceSchema=True)
        # the corrupt column can only be asked about once the lines are parsed: Spark refuses a query on a raw
        # file that reads that column alone
        name = self._name("lines")
        frame.createOrReplaceTempView(name)
        self._raw = (name, list(columns)[0])
        table = self.con.table(name)
        return table.filter(table[CORRUPT].isnull()).drop(CORRUPT)

    def rejected_lines(self) -> pd.DataFrame:
        """Return the lines the last CSV read set aside, one row each; their line numbers are unknown (None)."""
        if self._raw is None:
            return pd.DataFrame({"line": [], "column": [], "error_type": []})
        name, first = self._raw
        # the first column is named too: Spark refuses a query on a raw file that reads the corrupt column alone
        count = arrow(self.session.sql(f"SELECT count(*) AS n FROM {name} WHERE `{CORRUPT}` IS NOT NULL "
                                       f"AND (`{first}` IS NULL OR `{first}` IS NOT NULL)"))["n"][0].as_py()
        return pd.DataFrame({"line": [None] * count, "column": [None] * count,
                             "error_type": ["INVALID_FIELDS"] * count})

    def read_parquet(self, path: Path):
        """Return the rows of a Parquet file as a table of its own types."""
        return self.con.read_parquet(str(path), table_name=self._name("lines"))

    def table(self, data):
        """Return an engine table of an Arrow table (a workbook's lines)."""
        name = self._name("frame")
        self.session.createDataFrame(data.to_pandas()).createOrReplaceTempView(name)
        return self.con.table(name)

    def cache(self, expr):
        """Return the result of `expr` kept by Spark (memory, then disk) for several passes over it."""
        return expr.cache()

    def can_hold(self, nbytes: int) -> bool:
        """Return False: a cluster's memory is not ours to judge, so the passes read the files again unless
        duplicates are dropped."""
        return False

    def drop(self, table) -> None:
        """Forget a table kept by cache()."""
        table.release()

    def frame(self, expr, order: str | None = None) -> pd.DataFrame:
        """Return a (small) result as a pandas frame, collected through Arrow, in the types Ibis gives it, its
        rows sorted by the column `order` when given (reportgen.engine.arrow_frame)."""
        from ibis.formats.pyarrow import PyArrowData

        self.con._run_pre_execute_hooks(expr)  # registers the builtin functions the expression names
        # handed over as a temporary (no name holds it): arrow_frame lets the unsorted rows go once sorted
        return arrow_frame(PyArrowData.convert_table(arrow(self.session.sql(self.con.compile(expr))),
                                                     expr.as_table().schema()), order)

    def settings(self) -> dict[str, str]:
        """Return the session's master and driver memory as Spark reports them."""
        return {"master": self.session.sparkContext.master, "memory_limit": self.memory_limit}


def arrow(frame):
    """Return a Spark frame's rows as an Arrow table (Spark 4's toArrow; Spark 3.5's Arrow batches).

    PySpark leaves the socket the rows came through to the garbage collector, which then warns that it was
    not closed (a ResourceWarning): it is collected here, where that warning is known to be PySpark's.
    """
    import gc

    import pyarrow as pa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        if hasattr(frame, "toArrow"):
            table = frame.toArrow()
        else:
            table = pa.Table.from_batches(frame._collect_as_arrow(), schema=_arrow_schema(frame))
        gc.collect()
    return table


def _arrow_schema(frame):
    """Return the Arrow schema of a Spark 3.5 frame (for a result without rows)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(frame.schema)


def _xxhash64():
    """Return Spark's xxhash64 as an Ibis builtin scalar function."""
    import ibis

    @ibis.udf.scalar.builtin(name="xxhash64")
    def xxhash64(arg: str) -> int:
        """Return the 64-bit xxHash of `arg` (Spark's own function)."""

    return xxhash64


xxhash64 = _xxhash64()
