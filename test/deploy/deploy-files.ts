import { loadManifest } from '@tracing-demo/platform';

/** The service images and services/Dockerfile, parsed for the tests that check them. */

export interface ServiceImage {
  name: string;
  port: number;
}

/** The service images, by name, and the port each one listens on: services/services.yaml. */
export function serviceImages(): ServiceImage[] {
  return loadManifest()
    .services.map(({ name, port }) => ({ name, port }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The FROM argument: an image reference or an earlier stage's name. */
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM (the only ones a FROM can use). */
  globalArgs: string[];
  stages: Stage[];
}

/** A Dockerfile as its stages and instructions: comments dropped, continuation lines joined. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const instructions = joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: (keyword as string).toUpperCase(), args: rest.join(' ') };
    });
  const result: Dockerfile = { globalArgs: [], stages: [] };
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      result.stages.push({
        from: from as string,
        ...(as?.toUpperCase() === 'AS' ? { name } : {}),
        instructions: [],
      });
    } else if (result.stages.length === 0) {
      if (instruction.keyword === 'ARG') result.globalArgs.push(instruction.args);
    } else {
      result.stages.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

/** The last value an instruction takes in a stage (USER, CMD, EXPOSE, WORKDIR, …). */
export function last(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}
