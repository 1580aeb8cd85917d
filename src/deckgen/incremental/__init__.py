"""The incremental build, wrapped around the pipeline at one seam: a cache of parsed and
rendered files, worker processes, and the up-to-date check. The pipeline never imports it."""
