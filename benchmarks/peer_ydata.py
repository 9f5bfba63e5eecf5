"""The peer of the everyday benchmark: ydata-profiling's minimal report of a table, one HTML page.

    PEER_PYTHON benchmarks/peer_ydata.py TABLE.csv REPORT.html

Run by benchmarks/everyday.py with the Python of the peer's own virtual environment (ydata-profiling 4.18
pins older pandas, numpy and scipy than reportgen's), never with reportgen's.
"""

import sys
import warnings

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # its notice about the package's new name is not the benchmark's business
    from ydata_profiling import ProfileReport

table, report = sys.argv[1], sys.argv[2]
ProfileReport(pd.read_csv(table), minimal=True, progress_bar=False).to_file(report)
