// SQL fragments that carry their bound values, so composing fragments keeps placeholders and values in
// the same order whatever the nesting (the search compiler builds deeply nested subqueries).

export class Sql {
  constructor(readonly text: string, readonly args: readonly unknown[]) {}
}

/** Template tag: interpolated Sql fragments are inlined, any other value is bound as a `?` placeholder. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0];
  const args: unknown[] = [];
  values.forEach((v, i) => {
    if (v instanceof Sql) {
      text += v.text;
      args.push(...v.args);
    } else {
      text += '?';
      args.push(v);
    }
    text += strings[i + 1];
  });
  return new Sql(text, args);
}

/** Trusted SQL text (identifiers, dialect fragments without placeholders, validated literals). */
export const raw = (text: string): Sql => new Sql(text, []);

/** A dialect fragment whose `?` placeholders receive `args` in order. */
export const withArgs = (text: string, ...args: unknown[]): Sql => new Sql(text, args);

export function join(parts: readonly Sql[], separator: string): Sql {
  return new Sql(parts.map((p) => p.text).join(separator), parts.flatMap((p) => p.args));
}

export const TRUE = raw('1 = 1');
export const FALSE = raw('1 = 0');
