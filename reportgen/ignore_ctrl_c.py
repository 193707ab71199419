"""Imported first by the LocalCluster's fork server (``cluster._preload_workers``):
the server, and every worker it forks, ignore Ctrl-C.

Ctrl-C reaches every process of the terminal's group, and each worker printed
a traceback while the build was closing them. The fork server's children get
back the SIGINT setting the server had before it set up its own loop, that is
this one. The build's process keeps its own: a Ctrl-C pressed while the
cluster starts is held until it is up, then stops the build (cluster._ctrl_c_held).
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
