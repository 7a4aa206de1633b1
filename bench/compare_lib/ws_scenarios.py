"""WebSocket comments fan-out against the reference Node `ws` server (../shared/bench/ws-fanout,
started unmodified), with bench/ws_load: at each room size, a flood (deliveries per second: 500
senders of at most 1 comment/s each, as many comments in flight as deliveries allow) and a fixed
rate (10 senders, 10 comments/s: delivery latency p99); the memory per idle viewer is read from
the largest room before it sends."""
import os
import socket
import subprocess

from .common import ANCHOR_DEPS, ANCHOR_SCRIPT, WS_LOAD, free_port, last_json, raise_fd_limit, stop, wait_for
from .servers import LiveRelay

ANCHOR = "Node ws"


class NodeAnchor:
    name = "node-ws"

    def __enter__(self):
        self.port = free_port()
        env = dict(os.environ, NODE_PATH=os.path.join(ANCHOR_DEPS, "node_modules"))
        self.process = subprocess.Popen(["node", ANCHOR_SCRIPT, str(self.port), "127.0.0.1"], env=env,
                                        stdout=subprocess.DEVNULL, preexec_fn=raise_fd_limit)

        def accepts():
            if self.process.poll() is not None:
                raise RuntimeError(f"the Node anchor exited with {self.process.returncode}")
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        wait_for(accepts, 10, "the Node anchor")
        self.pids = [self.process.pid]
        return self

    def __exit__(self, *exc):
        stop(self.process)

    def ws_url(self, name):
        return f"ws://127.0.0.1:{self.port}/live/{name}/ws"


def ws_load(ctx, server, arguments, settle):
    command = [WS_LOAD, "--url", server.ws_url("bench"), "--server-pid", str(server.pids[0]),
               "--connect-rate", str(ctx.plan.ws_connect_rate), "--drain-timeout", "20", "--settle", str(settle),
               "--duration", str(ctx.plan.ws_seconds), "--json", *arguments]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, preexec_fn=raise_fd_limit)
    return last_json(out.stdout, f"ws_load ({out.stderr[-500:]})")


def fan_out(ctx):
    r = ctx.results
    largest = max(ctx.plan.ws_viewers)
    for viewers in ctx.plan.ws_viewers:
        for _ in range(ctx.plan.rounds):
            for side, make in (("liverelay", LiveRelay), ("anchor", NodeAnchor)):
                with make() as server:
                    flood = ws_load(ctx, server, ["--viewers", str(viewers), "--senders", "500", "--flood",
                                                  "--sender-cap", "1"], settle=0.5)
                with make() as server:
                    paced = ws_load(ctx, server, ["--viewers", str(viewers), "--senders", "10", "--rate", "10"],
                                    settle=2 if viewers == largest else 0.5)
                record(ctx, side, viewers, flood, paced, viewers == largest)


def record(ctx, side, viewers, flood, paced, largest):
    r = ctx.results
    r.run("ws_flood", side, viewers, flood)
    r.run("ws_latency", side, viewers, paced)
    lost = flood["deliveries_lost"] + paced["deliveries_lost"]
    dropped = sum(x["connect_failures"] + x["disconnected"] for x in (flood, paced))
    per_viewer = paced["server"]["rss_per_connection_bytes"]
    ctx.log(f"WS {viewers:>5} viewers {side:<9} flood {flood['deliveries_per_s']:9.0f} deliveries/s; 10 comments/s: "
            f"p50 {paced['latency_ms']['p50']:.1f} p99 {paced['latency_ms']['p99']:.1f} ms, "
            f"drain {paced['drain_seconds']:.2f} s; lost {lost}, connect failures + drops {dropped}; "
            f"RSS per viewer {per_viewer / 1024 if per_viewer else 0:.2f} KiB")
    if lost or dropped:
        r.note(f"WS {viewers} viewers on {side}: {lost} deliveries lost, {dropped} connect failures or drops")
    r.add("ws", "deliveries/s (flood, 500 senders)", "1/s", "higher", side, flood["deliveries_per_s"], viewers, ANCHOR,
          plot="ws_deliveries")
    r.add("ws", "delivery latency p99 at 10 comments/s (ms)", "ms", "lower", side, paced["latency_ms"]["p99"], viewers,
          ANCHOR, plot="ws_latency")
    if largest and per_viewer is not None:
        r.add("memory", "RSS per idle WebSocket viewer (KiB)", "KiB", "lower", side, per_viewer / 1024, viewers, ANCHOR)
