"""A unix-socket proxy in front of the test server that cuts the first connection whose server
has just answered COMMIT, before the answer reaches the client: a real lost acknowledgement."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

#: the server's CommandComplete message for COMMIT
COMMIT_DONE = b"C\x00\x00\x00\x0bCOMMIT\x00"


class CommitCutter:
    def __init__(self, server_dir: Path, socket_dir: Path) -> None:
        self.server = str(server_dir / ".s.PGSQL.5432")
        self.socket_dir = socket_dir
        self.cut = 0
        self._armed = True
        self._lock = threading.Lock()
        socket_dir.mkdir(parents=True, exist_ok=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(socket_dir / ".s.PGSQL.5432"))
        self.listener.listen(16)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> CommitCutter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.server)
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_server: bool) -> None:
        try:
            while data := src.recv(65536):
                if from_server and COMMIT_DONE in data:
                    with self._lock:
                        cut, self._armed = self._armed, False
                    if cut:
                        self.cut += 1
                        break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
