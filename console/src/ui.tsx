// Small accessible building blocks: every input has a visible label, hints are tied by aria-describedby,
// problems are announced.
import { useId } from 'preact/hooks';

interface FieldProps {
  label: string;
  name: string;
  hint?: string;
  multiline?: boolean;
  type?: 'text' | 'password';
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
  pattern?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  autoFocus?: boolean;
}

export function Field({ label, name, hint, multiline, type = 'text', ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea
          id={id}
          name={name}
          required={Boolean(input.required)}
          minLength={input.minLength}
          maxLength={input.maxLength}
          rows={2}
          aria-describedby={hint ? hintId : undefined}
        />
      ) : type === 'password' ? (
        <input id={id} name={name} type="password" aria-describedby={hint ? hintId : undefined} {...input} />
      ) : (
        <input id={id} name={name} type="text" aria-describedby={hint ? hintId : undefined} {...input} />
      )}
    </div>
  );
}

export function Problem({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="problem" role="alert">
      {message}
    </p>
  ) : null;
}

export function Done({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="done" role="status">
      {message}
    </p>
  ) : null;
}
