/**
 * A plain-text YAML editor: line numbers, the lines with issues marked in the
 * gutter and behind the text, and the issue list (`line:col path: message`)
 * whose entries move the caret to their place.
 */
import { useMemo, useRef } from 'preact/hooks';
import type { Issue } from '../../../src/model/issues.ts';

export interface YamlEditorProps {
  text: string;
  /** the new text; `pasted` when it came from a paste or a drop (the browser's input type) */
  onInput: (text: string, pasted?: boolean) => void;
  issues: readonly Issue[];
  label: string;
}

/** `line:col path: message` — the issue as the editor lists it. */
export function issueText(i: Issue): string {
  const where = i.line !== undefined ? `${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : '';
  const head = [where, i.path].filter((s) => s !== '').join(' ');
  const msg = i.severity === 'warning' ? `warning: ${i.message}` : i.message;
  return head === '' ? msg : `${head}: ${msg}`;
}

export function YamlEditor({ text, onInput, issues, label }: YamlEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => text.split('\n'), [text]);
  const longest = useMemo(() => lines.reduce((m, l) => Math.max(m, l.length), 0), [lines]);
  const marks = useMemo(() => {
    const m = new Map<number, { kind: 'bad' | 'warn'; messages: string[] }>();
    for (const i of issues) {
      if (i.line === undefined) continue;
      const kind = i.severity === 'warning' ? 'warn' : 'bad';
      const cur = m.get(i.line);
      if (cur === undefined) m.set(i.line, { kind, messages: [issueText(i)] });
      else {
        cur.messages.push(issueText(i));
        if (kind === 'bad') cur.kind = 'bad';
      }
    }
    return m;
  }, [issues]);

  const goTo = (i: Issue): void => {
    const ta = area.current;
    if (ta === null || i.line === undefined) return;
    let offset = 0;
    for (let l = 1; l < i.line && l <= lines.length; l++) offset += (lines[l - 1]?.length ?? 0) + 1;
    offset += Math.max(0, (i.column ?? 1) - 1);
    ta.focus();
    ta.setSelectionRange(offset, offset);
    const b = box.current;
    if (b !== null) {
      const lh = parseFloat(getComputedStyle(ta).lineHeight) || 19.5;
      b.scrollTop = Math.max(0, (i.line - 4) * lh);
    }
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    // Tab indents by two spaces; Escape then Tab leaves the editor (keyboard users are never trapped).
    const ta = e.currentTarget as HTMLTextAreaElement;
    if (e.key === 'Escape') {
      ta.dataset['escaped'] = '1';
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey && ta.dataset['escaped'] !== '1') {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: en, value } = ta;
      const next = `${value.slice(0, s)}  ${value.slice(en)}`;
      onInput(next);
      requestAnimationFrame(() => ta.setSelectionRange(s + 2, s + 2));
      return;
    }
    delete ta.dataset['escaped'];
  };

  const errors = issues.filter((i) => i.severity !== 'warning').length;
  const warnings = issues.length - errors;
  return (
    <div>
      <div class="editor" ref={box} data-testid="yaml-editor">
        <div class="gutter" aria-hidden="true">
          {lines.map((_, i) => {
            const m = marks.get(i + 1);
            return (
              <div key={i} class={m?.kind ?? ''} title={m?.messages.join('\n')} data-testid={m !== undefined ? `gutter-mark-${i + 1}` : undefined}>
                {i + 1}
              </div>
            );
          })}
        </div>
        <div class="code">
          <div class="bands" aria-hidden="true">
            {[...marks.entries()].map(([line, m]) => (
              <div key={line} class={`band ${m.kind}`} style={{ top: `calc(${line - 1} * 1.5em + 0.4rem)` }} />
            ))}
          </div>
          <textarea
            ref={area}
            aria-label={label}
            aria-describedby="yaml-issues-summary"
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
            rows={lines.length}
            value={text}
            style={{ width: `max(100%, calc(${longest}ch + 1.5rem))`, height: `calc(${lines.length} * 1.5em + 0.8rem)` }}
            onInput={(e) => {
              const type = (e as unknown as InputEvent).inputType;
              onInput((e.currentTarget as HTMLTextAreaElement).value, type === 'insertFromPaste' || type === 'insertFromDrop');
            }}
            onKeyDown={onKeyDown}
            data-testid="yaml-text"
          />
        </div>
      </div>
      <p id="yaml-issues-summary" class={errors > 0 ? 'status error' : 'muted'} data-testid="yaml-status" aria-live="polite">
        {errors > 0
          ? `${errors} error${errors === 1 ? '' : 's'}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: the charts show the last valid version.`
          : warnings > 0
            ? `Valid, with ${warnings} warning${warnings === 1 ? '' : 's'}.`
            : 'Valid.'}
        {' '}Tab indents; press Escape, then Tab, to leave the editor.
      </p>
      {issues.length > 0 && (
        <ol class="issues" data-testid="yaml-issues">
          {issues.map((i, k) => (
            <li key={k} class={i.severity ?? 'error'} data-line={i.line}>
              <button type="button" onClick={() => goTo(i)}>
                {issueText(i)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
