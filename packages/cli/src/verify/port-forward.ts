import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

/** A local address that reaches a Service's pod, open until closed. */
export interface Tunnel {
  /** http://127.0.0.1:<port> */
  url: string;
  /** `127.0.0.1:41234 → svc/x:3000 (pod x-abc, port 3000)` */
  description: string;
  close(): Promise<void>;
}

/**
 * The container port a Service port lands on for `pod`: its targetPort as a number, a named
 * port looked up in the pod's containers, or the Service port itself when targetPort is unset.
 */
export function resolveTargetPort(service: V1Service, pod: V1Pod, port: number): number {
  const name = service.metadata?.name ?? '?';
  const ports = service.spec?.ports ?? [];
  const servicePort = ports.find((p) => p.port === port);
  if (!servicePort)
    throw new CliError(
      `service ${name} has no port ${port} (it has ${ports.map((p) => `${p.port}${p.name ? `/${p.name}` : ''}`).join(', ') || 'none'})`,
    );
  const target = servicePort.targetPort;
  if (target === undefined || target === '') return port;
  if (typeof target === 'number' || /^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? [])
    for (const containerPort of container.ports ?? [])
      if (containerPort.name === target) return containerPort.containerPort;
  throw new CliError(
    `service ${name} targets port '${target}', which no container of pod ${pod.metadata?.name} names`,
  );
}

/** The first pod that is Ready and not being deleted. */
export function firstReadyPod(pods: readonly V1Pod[]): V1Pod | undefined {
  return pods.find(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

/** What @kubernetes/client-node's PortForward does, so a test can stand in for it. */
export interface PortForwarder {
  portForward(
    namespace: string,
    podName: string,
    targetPorts: number[],
    output: Writable,
    err: Writable | null,
    input: Socket,
  ): Promise<unknown>;
}

interface Closable {
  close(): void;
  on?(event: 'close', listener: () => void): unknown;
}

/**
 * A loopback listener on a free port; each connection gets its own port-forward stream to
 * `pod:port` (the Kubernetes API carries one TCP stream per websocket). Errors the API reports
 * for a stream (e.g. nothing listening in the pod) end that connection.
 */
export async function openTunnel(
  forwarder: PortForwarder,
  target: { namespace: string; pod: string; port: number; label: string },
): Promise<Tunnel> {
  const sockets = new Set<Socket>();
  const streams = new Map<Socket, Closable>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      streams.get(socket)?.close();
      streams.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    // Kubernetes opens each channel with its port number, which client-node strips and then
    // writes what is left, nothing, to this stream: only text is an error.
    const errors = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.length > 0)
          socket.destroy(new Error(`port-forward to ${target.label}: ${String(chunk)}`));
        done();
      },
    });
    forwarder
      .portForward(target.namespace, target.pod, [target.port], socket, errors, socket)
      .then((ws) => {
        if (ws && typeof ws === 'object' && 'close' in ws) {
          const closable = ws as Closable;
          if (socket.destroyed) closable.close();
          else {
            streams.set(socket, closable);
            closable.on?.('close', () => socket.end());
          }
        }
      })
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${localPort}`,
    description: `127.0.0.1:${localPort} → ${target.label}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
