"""Pure analysis: data frames in, plain data (dicts, lists, numbers) out; no files, plots or language."""
