import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';

const PG_VERSIONS = ['>=8.0.3 <9'];

/** The part of pg's Client a query span is described from. */
interface PgClient {
  connectionParameters: { database?: string; host?: string; port?: number };
}
type Query = (this: PgClient, ...args: unknown[]) => unknown;
type PgClientClass = { prototype: { query: Query } };

/**
 * A CLIENT span per pg query made inside a span (`pg.query:<OPERATION> <database>`, with
 * `db.system.name`, `db.namespace`, `server.address`, `server.port` and the statement without its
 * parameters, as instrumentation-pg names and describes them). It replaces that instrumentation,
 * which also recorded a duration histogram and pool connection counts per query to a meter that
 * exports nothing, at about twice the CPU per statement (bench/README.md#findings). A query
 * outside any span (the outbox relay's poll, a transaction's BEGIN and COMMIT: outsideTrace) gets
 * none. A failed query's span carries the SQLSTATE and the error's type, never its message: a
 * message can quote the value that failed, which is user input.
 */
export class PgQueryInstrumentation extends InstrumentationBase {
  constructor() {
    super('@tracing-demo/telemetry/pg', '0.1.0', {});
  }

  protected init() {
    const patch = <T extends PgClientClass | undefined>(client: T): T => {
      if (!client) return client;
      if (isWrapped(client.prototype.query)) this._unwrap(client.prototype, 'query');
      this._wrap(client.prototype, 'query', (original: Query) => this.traced(original));
      return client;
    };
    const unpatch = (client: PgClientClass | undefined) => {
      if (client && isWrapped(client.prototype.query)) this._unwrap(client.prototype, 'query');
    };
    return new InstrumentationNodeModuleDefinition(
      'pg',
      PG_VERSIONS,
      (pg: { Client?: PgClientClass }) => {
        patch(pg.Client);
        return pg;
      },
      (pg: { Client?: PgClientClass }) => unpatch(pg?.Client),
      [new InstrumentationNodeModuleFile('pg/lib/client.js', PG_VERSIONS, patch, unpatch)],
    );
  }

  private traced(original: Query): Query {
    const tracer = this.tracer;
    return function query(this: PgClient, ...args: unknown[]) {
      const first = args[0] as { text?: unknown; submit?: unknown } | string | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      // A submittable (cursor, stream) is read later, on its own schedule: not timed here.
      const submittable = typeof first === 'object' && typeof first?.submit === 'function';
      if (typeof text !== 'string' || submittable || !trace.getSpan(context.active())) {
        return original.apply(this, args);
      }
      const { database, host, port } = this.connectionParameters;
      const attributes: Attributes = {
        [ATTR_DB_SYSTEM_NAME]: 'postgresql',
        [ATTR_DB_NAMESPACE]: database,
        [ATTR_SERVER_ADDRESS]: host,
        [ATTR_SERVER_PORT]: port,
        [ATTR_DB_QUERY_TEXT]: text,
      };
      const span = tracer.startSpan(
        `pg.query:${operationOf(text)}${database ? ` ${database}` : ''}`,
        {
          kind: SpanKind.CLIENT,
          attributes,
        },
      );
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = context.bind(
          context.active(),
          function done(this: unknown, error: unknown, result: unknown) {
            end(span, error);
            return callback.call(this, error, result);
          },
        );
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        end(span, error);
        throw error;
      }
      if (!(result instanceof Promise)) {
        end(span, undefined);
        return result;
      }
      return result.then(
        (rows) => {
          span.end();
          return rows;
        },
        (error) => {
          end(span, error);
          throw error;
        },
      );
    };
  }
}

/**
 * The statement's first word, upper case, without a trailing ';': low cardinality, unlike the
 * statement. Char codes up to 32 are whitespace and control characters, 59 is ';'.
 */
export function operationOf(text: string): string {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start++;
  let end = start;
  while (end < text.length && text.charCodeAt(end) > 32 && text.charCodeAt(end) !== 59) end++;
  return text.slice(start, end).toUpperCase();
}

function end(span: Span, error: unknown): void {
  if (error) {
    const { name, code } = error as { name?: unknown; code?: unknown };
    const type = typeof name === 'string' ? name : 'Error';
    const sqlState = typeof code === 'string' ? code : undefined;
    const message = `PostgreSQL error of type '${type}' occurred (code: ${sqlState ?? 'UNKNOWN'})`;
    span.setAttribute(ATTR_ERROR_TYPE, sqlState ?? type);
    if (sqlState) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, sqlState);
    span.recordException({ name: type, message });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}
