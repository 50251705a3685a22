#!/usr/bin/env python3
"""Run each stand-in image under podman the way the chart runs it, and check it works.

    python3 cluster/images/verify.py [collector jaeger prometheus postgresql rabbitmq]

The pod specs come from `helm template` of the chart with ci/local-cluster-values.yaml and
cluster/values.yaml, so what runs is what the chart renders: the image, args and env (a
secretKeyRef gets a random test value), the pod's runAsUser/runAsGroup/fsGroup, a read-only
root filesystem without podman's extra tmpfs mounts, no capabilities, no-new-privileges, the
memory limit, every configMap/projected volume as a read-only directory at its mountPath and
every emptyDir as a fresh directory the way the kubelet makes one. Each container must pass its own startup and readiness probes
(httpGet and tcpSocket from the host to the container's address, exec inside it); then:

  postgresql  a password login over TCP from another container works and creates a table in
              POSTGRES_DB; a wrong password is refused, also on the container's loopback
  rabbitmq    an AMQP login (amqplib from node_modules) declares a queue and round-trips a
              message; a wrong password is refused
  collector   answers on its health port 13133 (its readiness probe); the k8s_attributes
              overlay is left out, it needs a Kubernetes API (cluster/README.md covers it)
  jaeger      /status (its probes); one span sent to its OTLP/HTTP receiver is read back from
              its query API (api/v3), so badger writes on the chart's volume
  prometheus  /-/ready (its readiness probe)

Every container it starts is removed at the end, whatever happens. Root, podman, and the
images from `bash cluster/images.sh`.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE = "verify"
PODMAN = ["podman", "--runtime", "runc"]
ULIMITS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768"]
COMPONENTS = ["collector", "jaeger", "prometheus", "postgresql", "rabbitmq"]
# Outside Kubernetes: the overlay's k8s_attributes processor needs an API server.
DROPPED_ARGS = {"--config=/conf/k8s-attributes.yaml"}

started = []  # container names to remove
failures = []


def log(msg):
    print(f"[verify] {msg}", file=sys.stderr, flush=True)


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)


def render():
    helm = run(["bash", f"{REPO}/tools/which.sh", "helm"]).stdout.strip()
    set_flags = run(["bash", f"{REPO}/cluster/images.sh", "--set-flags"]).stdout.split()
    out = run([helm, "template", RELEASE, f"{REPO}/charts/tracing-demo",
               "-f", f"{REPO}/charts/tracing-demo/ci/local-cluster-values.yaml",
               "-f", f"{REPO}/cluster/values.yaml", *set_flags]).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def mebibytes(quantity):
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return int(float(quantity[: -len(suffix)]) * factor)
    return int(quantity) // (1024 * 1024)


def container_ip(name):
    info = json.loads(run(PODMAN + ["inspect", name]).stdout)[0]
    for net in info["NetworkSettings"]["Networks"].values():
        if net.get("IPAddress"):
            return net["IPAddress"]
    raise RuntimeError(f"{name} has no IP address")


def probe_ok(name, ip, container, probe):
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    try:
        if "httpGet" in probe:
            port = probe["httpGet"]["port"]
            port = ports.get(port, port)
            url = f"http://{ip}:{port}{probe['httpGet'].get('path', '/')}"
            with urllib.request.urlopen(url, timeout=probe.get("timeoutSeconds", 1) + 1) as r:
                return 200 <= r.status < 400
        if "tcpSocket" in probe:
            port = probe["tcpSocket"]["port"]
            port = ports.get(port, port)
            with socket.create_connection((ip, port), timeout=probe.get("timeoutSeconds", 1) + 1):
                return True
        if "exec" in probe:
            return run(PODMAN + ["exec", name, *probe["exec"]["command"]], check=False).returncode == 0
    except OSError:
        return False
    raise RuntimeError(f"unknown probe {probe}")


def start(component, docs, tmp):
    """Start the component's container as the chart's pod spec says; return (name, container, env)."""
    workload = next(d for d in docs if d["kind"] in ("Deployment", "StatefulSet")
                    and d["metadata"]["name"] == f"{RELEASE}-tracing-demo-{component}")
    pod = workload["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    config_maps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    sec = pod.get("securityContext", {})
    csec = container.get("securityContext", {})
    name = f"td-verify-{component}-{os.getpid()}"
    cmd = PODMAN + ["run", "-d", "--name", name, *ULIMITS,
                    "--user", f"{sec['runAsUser']}:{sec['runAsGroup']}",
                    "--cap-drop=ALL", "--security-opt=no-new-privileges"]
    if "fsGroup" in sec:
        cmd += ["--group-add", str(sec["fsGroup"])]
    if csec.get("readOnlyRootFilesystem"):
        # Kubernetes adds no tmpfs of its own: only the pod's volumes are writable.
        cmd += ["--read-only", "--read-only-tmpfs=false"]
    limit = container.get("resources", {}).get("limits", {}).get("memory")
    if limit:
        cmd += ["--memory", f"{mebibytes(limit)}m"]
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        elif "secretKeyRef" in e.get("valueFrom", {}):
            env[e["name"]] = secrets.token_hex(12)
        else:
            raise RuntimeError(f"{component}: env {e['name']} has an unsupported source")
    for key, value in env.items():
        cmd += ["--env", f"{key}={value}"]
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        path = mount["mountPath"]
        directory = os.path.join(tmp, component, mount["name"])
        if "emptyDir" in volume:
            # As the kubelet makes an emptyDir: a fresh directory, bind-mounted, mode 0777 and,
            # with an fsGroup, owned by that group with the setgid bit (a podman tmpfs would
            # take the mode of the image's directory instead).
            os.makedirs(directory)
            if "fsGroup" in sec:
                os.chown(directory, 0, sec["fsGroup"])
            os.chmod(directory, 0o2777 if "fsGroup" in sec else 0o777)
            cmd += ["-v", f"{directory}:{path}:rw"]
            continue
        files = {}
        if "configMap" in volume:
            files = dict(config_maps[volume["configMap"]["name"]])
        elif "projected" in volume:
            for source in volume["projected"]["sources"]:
                data = config_maps[source["configMap"]["name"]]
                items = source["configMap"].get("items") or [{"key": k, "path": k} for k in data]
                for item in items:
                    files[item["path"]] = data[item["key"]]
        else:
            raise RuntimeError(f"{component}: volume {mount['name']} has an unsupported type")
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(directory, rel)), exist_ok=True)
            with open(os.path.join(directory, rel), "w") as f:
                f.write(text)
        os.chmod(directory, 0o755)
        cmd += ["-v", f"{directory}:{path}:ro"]
    args = [a for a in container.get("args", []) if a not in DROPPED_ARGS]
    dropped = [a for a in container.get("args", []) if a in DROPPED_ARGS]
    if container.get("command"):
        cmd += ["--entrypoint", json.dumps(container["command"])]
    cmd += [container["image"], *args]
    log(f"{component}: {container['image']} as {sec['runAsUser']}:{sec['runAsGroup']}"
        f" {' '.join(args)}" + (f" (left out: {' '.join(dropped)})" if dropped else ""))
    started.append(name)
    run(cmd)
    return name, container, env


def running(name):
    return json.loads(run(PODMAN + ["inspect", name]).stdout)[0]["State"]


def wait_ready(component, name, container):
    ip = container_ip(name)
    t0 = time.monotonic()
    for kind in ("startupProbe", "readinessProbe"):
        probe = container.get(kind)
        if not probe:
            continue
        deadline = time.monotonic() + probe.get("periodSeconds", 10) * probe.get("failureThreshold", 3)
        # A probe counts only while the container runs: once it has exited, its address is
        # routed off the host, where a transparent proxy may well answer.
        while not (probe_ok(name, ip, container, probe) and running(name)["Running"]):
            state = running(name)
            if not state["Running"] or time.monotonic() > deadline:
                logs = run(PODMAN + ["logs", name], check=False)
                print((logs.stdout + logs.stderr)[-4000:], file=sys.stderr)
                raise RuntimeError(f"{component}: {kind} failed"
                                   + ("" if state["Running"] else f" (exited {state['ExitCode']})"))
            time.sleep(1)
    log(f"{component}: ready in {time.monotonic() - t0:.1f}s (startup and readiness probes pass, {ip})")
    return ip


def check_postgresql(name, container, env, ip):
    user, password, db = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]
    client = f"td-verify-psql-{os.getpid()}"
    started.append(client)
    out = run(PODMAN + ["run", "--rm", "--name", client, *ULIMITS, container["image"], "psql",
                        f"postgresql://{user}:{password}@{ip}:5432/{db}", "-tAc",
                        "CREATE TABLE t (x int); INSERT INTO t VALUES (42);"
                        " SELECT current_database() || ' ' || current_user || ' ' || sum(x) FROM t"]).stdout
    assert out.strip().splitlines()[-1] == f"{db} {user} 42", out
    log(f"postgresql: password login over TCP from another container: {out.strip().splitlines()[-1]!r}")
    wrong = run(PODMAN + ["run", "--rm", "--name", client, *ULIMITS, container["image"], "psql",
                          f"postgresql://{user}:wrong@{ip}:5432/{db}", "-c", "SELECT 1"], check=False)
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr, wrong.stderr
    loop = run(PODMAN + ["exec", "-e", "PGPASSWORD=wrong", name, "psql", "-h", "127.0.0.1", "-U", user,
                         "-d", db, "-c", "SELECT 1"], check=False)
    assert loop.returncode != 0 and "password authentication failed" in loop.stderr, loop.stderr
    log("postgresql: a wrong password is refused, from another container and on the loopback")
    auth = run(PODMAN + ["exec", name, "psql", "-U", user, "-d", db, "-tAc",
                         "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = current_user;"
                         " SHOW listen_addresses"]).stdout.split()
    assert auth == ["t", "*"], auth
    log("postgresql: the password is stored as SCRAM-SHA-256; listen_addresses = '*'")


def check_rabbitmq(name, container, env, ip):
    node = os.path.join(REPO, "node_modules", "node", "bin", "node")
    script = """
const amqp = require('amqplib');
(async () => {
  const c = await amqp.connect(process.argv[1]);
  const ch = await c.createChannel();
  const q = await ch.assertQueue('', { exclusive: true });
  ch.sendToQueue(q.queue, Buffer.from('hello'));
  await new Promise((r) => setTimeout(r, 300));
  const m = await ch.get(q.queue, { noAck: true });
  if (!m || m.content.toString() !== 'hello') throw new Error('no round trip');
  const props = c.connection.serverProperties;
  console.log(props.product + ' ' + props.version);
  await c.close();
})().catch((e) => { console.error(e.message); process.exit(1); });
"""
    user, password = env["RABBITMQ_DEFAULT_USER"], env["RABBITMQ_DEFAULT_PASS"]
    out = run([node, "-e", script, f"amqp://{user}:{password}@{ip}:5672"], cwd=REPO).stdout.strip()
    log(f"rabbitmq: AMQP login as {user} from the host, queue round trip ok ({out})")
    wrong = run([node, "-e", script, f"amqp://{user}:wrong@{ip}:5672"], cwd=REPO, check=False)
    assert wrong.returncode != 0 and "ACCESS_REFUSED" in wrong.stderr, wrong.stderr
    log("rabbitmq: a wrong password is refused (ACCESS_REFUSED)")
    mgmt = urllib.request.Request(f"http://{ip}:15672/api/whoami")
    mgmt.add_header("Authorization", "Basic " + __import__("base64").b64encode(
        f"{user}:{password}".encode()).decode())
    with urllib.request.urlopen(mgmt, timeout=5) as r:
        log(f"rabbitmq: management API on 15672: {json.loads(r.read())}")
    logs = run(PODMAN + ["logs", name])
    watermark = [l for l in (logs.stdout + logs.stderr).splitlines() if "high watermark" in l.lower()]
    assert watermark, "no memory high watermark in the log"
    log(f"rabbitmq: {watermark[0].split('>', 1)[-1].strip()}")


# Signs that something wanted to write where the chart gives it no volume.
WRITE_ERRORS = ("read-only file system", "permission denied", "eacces", "erofs")


def check_logs(component, name):
    logs = run(PODMAN + ["logs", name])
    lines = (logs.stdout + logs.stderr).splitlines()
    bad = [l for l in lines if any(w in l.lower() for w in WRITE_ERRORS)]
    assert not bad, f"{component} could not write somewhere: {bad[:5]}"
    noisy = [l for l in lines if any(w in l.lower() for w in ("error", "warn", "fatal"))]
    for line in noisy[:5]:
        log(f"{component}: log: {line.strip()[:240]}")
    log(f"{component}: {len(lines)} log lines, {len(noisy)} with error/warn/fatal, none about writing")


def check_jaeger(name, container, env, ip):
    trace_id = secrets.token_hex(16)
    now = time.time_ns()
    span = {"traceId": trace_id, "spanId": secrets.token_hex(8), "name": "verify", "kind": 2,
            "startTimeUnixNano": str(now - 1_000_000), "endTimeUnixNano": str(now)}
    body = {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "verify"}}]},
        "scopeSpans": [{"spans": [span]}]}]}
    sent = urllib.request.Request(f"http://{ip}:4318/v1/traces", data=json.dumps(body).encode(),
                                  headers={"content-type": "application/json"})
    with urllib.request.urlopen(sent, timeout=5) as r:
        assert r.status == 200, r.status
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://{ip}:16686/api/v3/traces/{trace_id}", timeout=5) as r:
                found = json.loads(r.read())
                break
        except urllib.error.HTTPError as e:
            if e.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(1)
    spans = [s for rs in found["result"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert [s["name"] for s in spans] == ["verify"], spans
    log(f"jaeger: a span sent over OTLP/HTTP is read back from api/v3 (trace {trace_id}, {env['JAEGER_STORAGE']})")


CHECKS = {"postgresql": check_postgresql, "rabbitmq": check_rabbitmq, "jaeger": check_jaeger}


def main():
    components = sys.argv[1:] or COMPONENTS
    for c in components:
        if c not in COMPONENTS:
            sys.exit(f"usage: {sys.argv[0]} [{' '.join(COMPONENTS)}]")
    docs = render()
    tmp = tempfile.mkdtemp(prefix="td-verify-")
    try:
        for component in components:
            try:
                name, container, env = start(component, docs, tmp)
                ip = wait_ready(component, name, container)
                if component in CHECKS:
                    CHECKS[component](name, container, env, ip)
                assert running(name)["Running"], f"{component} stopped"
                check_logs(component, name)
                log(f"{component}: OK")
            except (RuntimeError, AssertionError, subprocess.CalledProcessError) as e:
                detail = getattr(e, "stderr", "") or ""
                failures.append(component)
                log(f"{component}: FAILED: {e} {detail.strip()[-2000:]}")
    finally:
        for name in started:
            run(PODMAN + ["rm", "-f", "-t", "5", name], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        log(f"failed: {' '.join(failures)}")
        sys.exit(1)
    log(f"all passed: {' '.join(components)}")


if __name__ == "__main__":
    main()
