import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);
const BIN = process.env.RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';

export interface RabbitMqServer {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  port: number;
  /** Stops the broker, keeping its data and port, as an outage would. */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it for good and deletes its directory. */
  destroy(): Promise<void>;
}

/**
 * A throwaway RabbitMQ (Debian's rabbitmq-server) on 127.0.0.1 in a temp directory: its own node
 * name, ports, data, logs and Erlang cookie, no plugins. Start-up takes several seconds.
 */
export async function startRabbitMq(): Promise<RabbitMqServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tracing-demo-rabbitmq-'));
  const [port, distPort] = [await freePort(), await freePort()];
  const node = `tracing-demo-${port}@localhost`;
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${port}`,
      // guest may connect from loopback only, which is where the tests are.
      'loopback_users.guest = true',
      'disk_free_limit.absolute = 50MB',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const ctl = (...args: string[]) => run(join(BIN, 'rabbitmqctl'), ['-n', node, ...args], { env });

  const start = async () => {
    const server = spawn(join(BIN, 'rabbitmq-server'), [], {
      env,
      stdio: 'ignore',
      detached: false,
    });
    server.unref();
    try {
      await ctl('wait', env.RABBITMQ_PID_FILE, '--timeout', '90');
    } catch (error) {
      server.kill('SIGKILL');
      throw new Error(
        `RabbitMQ did not start (logs in ${env.RABBITMQ_LOG_BASE}); is rabbitmq-server installed? ${(error as Error).message}`,
      );
    }
  };
  const stop = async () => {
    await ctl('stop').catch(() => undefined);
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      // The Erlang port mapper daemon starts with the first node; end it once no node is left.
      const names = await run('epmd', ['-names'], { env }).catch(() => undefined);
      if (names && !/^name /m.test(names.stdout))
        await run('epmd', ['-kill'], { env }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
