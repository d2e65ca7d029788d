/**
 * Shell completion (`payback completion bash|zsh|fish`): a script made from
 * the program's own definitions — its commands and subcommands, their
 * options, which options take a file — plus the built-in scenario ids, so it
 * cannot drift from the CLI. The script is static: pressing Tab runs no
 * payback process.
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a value completes to: files, scenarios (built-in ids and files), a fixed list, or nothing offered. */
type Values = { kind: 'files' } | { kind: 'scenarios' } | { kind: 'list'; words: string[] } | { kind: 'none' };

interface OptionSpec {
  flags: string[];
  description: string;
  /** undefined: a switch, taking no value */
  value: Values | undefined;
}

interface CommandSpec {
  /** the words from the program to this command: [] for the program, ['signals', 'status'] */
  path: string[];
  description: string;
  subcommands: string[];
  options: OptionSpec[];
  /** what its positional arguments complete to */
  args: Values;
}

/** What an option's placeholder (`<file>`, `<reference>`) says it takes. */
function optionValues(o: Option): Values | undefined {
  if (!o.required && !o.optional) return undefined;
  if (o.argChoices !== undefined && o.argChoices.length > 0) return { kind: 'list', words: [...o.argChoices] };
  const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags);
  const what = (placeholder?.[1] ?? placeholder?.[2] ?? '').toLowerCase();
  if (/file|path|dir|prefix/.test(what)) return { kind: 'files' };
  if (/reference|scenario/.test(what) || o.long === '--vs' || o.long === '--reference') return { kind: 'scenarios' };
  return { kind: 'none' };
}

function argumentValues(cmd: Command, archetypes: readonly string[]): Values {
  const first = cmd.registeredArguments[0];
  if (first === undefined) return { kind: 'none' };
  if (first.argChoices !== undefined && first.argChoices.length > 0) return { kind: 'list', words: [...first.argChoices] };
  const name = first.name();
  if (name === 'archetype') return { kind: 'list', words: [...archetypes] };
  if (/^scenarios?$/.test(name)) return { kind: 'scenarios' };
  if (name === 'file') return { kind: 'files' };
  return { kind: 'none' };
}

/** Every command of the program, the program itself first, each with its options and arguments. */
export function commandSpecs(program: Command, archetypes: readonly string[]): CommandSpec[] {
  const out: CommandSpec[] = [];
  const visit = (cmd: Command, path: string[]): void => {
    const options: OptionSpec[] = cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({ flags: [o.long, o.short].filter((f): f is string => f !== undefined), description: o.description, value: optionValues(o) }));
    options.push({ flags: ['--help', '-h'], description: 'display help for command', value: undefined });
    out.push({ path, description: cmd.description(), subcommands: cmd.commands.map((c) => c.name()), options, args: argumentValues(cmd, archetypes) });
    for (const c of cmd.commands) visit(c, [...path, c.name()]);
  };
  visit(program, []);
  return out;
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(specs: readonly CommandSpec[], ids: readonly string[]): string {
  const key = (p: readonly string[]): string => p.join('/');
  const descend = specs.filter((s) => s.path.length > 0).map((s) => `${sq(`${key(s.path.slice(0, -1))}/${s.path[s.path.length - 1]}`)}) cmdpath=${sq(key(s.path))} ;;`);
  const cases = specs.map((s) => {
    const fileOpts = s.options.filter((o) => o.value?.kind === 'files').flatMap((o) => o.flags);
    const scenarioOpts = s.options.filter((o) => o.value?.kind === 'scenarios').flatMap((o) => o.flags);
    const listOpts = s.options.filter((o) => o.value?.kind === 'list');
    const otherOpts = s.options.filter((o) => o.value?.kind === 'none').flatMap((o) => o.flags);
    const lines = [`    ${sq(key(s.path))})`];
    if (fileOpts.length > 0) lines.push(`      case "$prev" in ${fileOpts.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac`);
    if (scenarioOpts.length > 0) lines.push(`      case "$prev" in ${scenarioOpts.join('|')}) COMPREPLY=($(compgen -W "$ids" -- "$cur") $(compgen -f -- "$cur")); return ;; esac`);
    for (const o of listOpts) lines.push(`      case "$prev" in ${o.flags.join('|')}) COMPREPLY=($(compgen -W ${sq((o.value as { words: string[] }).words.join(' '))} -- "$cur")); return ;; esac`);
    if (otherOpts.length > 0) lines.push(`      case "$prev" in ${otherOpts.join('|')}) COMPREPLY=(); return ;; esac`);
    lines.push(`      opts=${sq(s.options.flatMap((o) => o.flags).join(' '))}`);
    lines.push(`      words=${sq(s.subcommands.join(' '))}`);
    if (s.args.kind === 'scenarios') lines.push('      words="$words $ids"; files=1');
    else if (s.args.kind === 'files') lines.push('      files=1');
    else if (s.args.kind === 'list') lines.push(`      words="$words "${sq(s.args.words.join(' '))}`);
    lines.push('      ;;');
    return lines.join('\n');
  });
  return `# bash completion for payback (inference-payback). Load it with
#   source <(payback completion bash)
# or save it as ~/.local/share/bash-completion/completions/payback
_payback() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath="" w i opts="" words="" files=0
  local ids=${sq(ids.join(' '))}
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$cmdpath/$w" in
${descend.map((d) => `      ${d}`).join('\n')}
    esac
  done
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    if [[ $files == 1 ]]; then COMPREPLY+=($(compgen -f -- "$cur")); fi
  fi
}
complete -o filenames -o bashdefault -F _payback payback
`;
}

function zsh(specs: readonly CommandSpec[], ids: readonly string[]): string {
  const key = (p: readonly string[]): string => p.join('/');
  const descend = specs.filter((s) => s.path.length > 0).map((s) => `${sq(`${key(s.path.slice(0, -1))}/${s.path[s.path.length - 1]}`)}) cmdpath=${sq(key(s.path))} ;;`);
  const desc = (text: string): string => text.replace(/[[\]:]/g, ' ').replace(/\s+/g, ' ').trim();
  const cases = specs.map((s) => {
    const lines = [`    ${sq(key(s.path))})`];
    for (const o of s.options.filter((x) => x.value !== undefined)) {
      const v = o.value as Values;
      const action = v.kind === 'files' ? '_files' : v.kind === 'scenarios' ? '_payback_scenarios' : v.kind === 'list' ? `compadd -- ${v.words.map(sq).join(' ')}` : ':';
      lines.push(`      case "$prev" in ${o.flags.join('|')}) ${action}; return ;; esac`);
    }
    const optDescs = s.options.flatMap((o) => o.flags.map((f) => sq(`${f}:${desc(o.description)}`)));
    lines.push(`      opts=(${optDescs.join(' ')})`);
    const subs = specs.filter((c) => c.path.length === s.path.length + 1 && key(c.path.slice(0, -1)) === key(s.path));
    lines.push(`      subs=(${subs.map((c) => sq(`${c.path[c.path.length - 1]}:${desc(c.description)}`)).join(' ')})`);
    lines.push(`      args=${sq(s.args.kind === 'list' ? `list:${s.args.words.join(' ')}` : s.args.kind)}`);
    lines.push('      ;;');
    return lines.join('\n');
  });
  return `#compdef payback
# zsh completion for payback (inference-payback). Load it with
#   source <(payback completion zsh)
# or save it as _payback in a directory of your $fpath
_payback_scenarios() {
  compadd -- ${ids.map(sq).join(' ')}
  _files
}
_payback() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local cmdpath="" w i args=none
  local -a opts subs
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    case "$cmdpath/$w" in
${descend.map((d) => `      ${d}`).join('\n')}
    esac
  done
  case "$cmdpath" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    _describe -t options 'option' opts
    return
  fi
  (( \${#subs} )) && _describe -t commands 'command' subs
  case "$args" in
    scenarios) _payback_scenarios ;;
    files) _files ;;
    list:*) compadd -- \${=args#list:} ;;
  esac
}
compdef _payback payback
`;
}

function fish(specs: readonly CommandSpec[], ids: readonly string[]): string {
  const lines = [
    '# fish completion for payback (inference-payback). Load it with',
    '#   payback completion fish | source',
    '# or save it as ~/.config/fish/completions/payback.fish',
    'complete -c payback -f',
  ];
  const one = (text: string): string => sq(text.replace(/\s+/g, ' ').trim());
  for (const s of specs) {
    // the condition that the words so far name this command (and none of its subcommands)
    const cond = s.path.length === 0 ? '__fish_use_subcommand' : `__fish_payback_at ${s.path.join(' ')}`;
    for (const c of specs.filter((x) => x.path.length === s.path.length + 1 && x.path.slice(0, -1).join(' ') === s.path.join(' '))) {
      lines.push(`complete -c payback -n ${sq(cond)} -a ${sq(c.path[c.path.length - 1] as string)} -d ${one(c.description)}`);
    }
    for (const o of s.options) {
      const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = o.flags.find((f) => /^-[^-]/.test(f))?.slice(1);
      const parts = [`complete -c payback -n ${sq(cond)}`, long === undefined ? '' : `-l ${long}`, short === undefined ? '' : `-s ${short}`, `-d ${one(o.description)}`];
      const v = o.value;
      if (v?.kind === 'files') parts.push('-r -F');
      else if (v?.kind === 'scenarios') parts.push(`-r -F -a ${sq(ids.join(' '))}`);
      else if (v?.kind === 'list') parts.push(`-x -a ${sq(v.words.join(' '))}`);
      else if (v?.kind === 'none') parts.push('-x');
      lines.push(parts.filter((p) => p !== '').join(' '));
    }
    if (s.path.length > 0) {
      if (s.args.kind === 'scenarios') lines.push(`complete -c payback -n ${sq(cond)} -F -a ${sq(ids.join(' '))}`);
      else if (s.args.kind === 'files') lines.push(`complete -c payback -n ${sq(cond)} -F`);
      else if (s.args.kind === 'list') lines.push(`complete -c payback -n ${sq(cond)} -a ${sq(s.args.words.join(' '))}`);
    }
  }
  const names = (p: readonly string[]): string[] => specs.filter((x) => x.path.length === p.length + 1 && x.path.slice(0, -1).join(' ') === p.join(' ')).map((x) => x.path[x.path.length - 1] as string);
  const nested = specs
    .filter((s) => s.path.length > 0 && s.subcommands.length > 0)
    .flatMap((s) => names(s.path))
    .filter((v, i, a) => a.indexOf(v) === i);
  return `# the words before the cursor name exactly this command path (options skipped)
function __fish_payback_at
    set -l got 0
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and continue
        set -l next (math $got + 1)
        if test $next -le (count $argv); and test "$w" = "$argv[$next]"
            set got $next
        else if test $got -eq (count $argv); and contains -- $w ${nested.join(' ')}
            # a subcommand of this command: the words name another command path
            return 1
        end
    end
    test $got -eq (count $argv)
end
${lines.join('\n')}
`;
}

/**
 * The completion script of `program` for `shell`.
 *
 * @example
 * completionScript(makeProgram(io), 'bash', builtinScenarioIds(), ARCHETYPES); // "# bash completion for payback …"
 */
export function completionScript(program: Command, shell: Shell, ids: readonly string[], archetypes: readonly string[]): string {
  const specs = commandSpecs(program, archetypes);
  return shell === 'bash' ? bash(specs, ids) : shell === 'zsh' ? zsh(specs, ids) : fish(specs, ids);
}
