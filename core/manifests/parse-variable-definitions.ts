/** `variables:` and `sharedVariables:` sections. */
import type { ManifestPath } from './manifest-error.js';
import { VARIABLE_TYPES, type VariableDefinition, type VariableOption, type VariableType } from './manifest-model.js';
import type { ManifestReader } from './manifest-reader.js';
import { checkVariableValue } from './validate-variables.js';

/** Names usable as `${NAME}` placeholders. */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Canonical type names by their lower-case form: type names are case-insensitive. */
const typesByLowerName = new Map<string, VariableType>(VARIABLE_TYPES.map((type) => [type.toLowerCase(), type]));

/** The canonical spelling of a type name (case-insensitive), or null when unknown. */
export function normaliseVariableType(raw: string): VariableType | null {
  return typesByLowerName.get(raw.trim().toLowerCase()) ?? null;
}

function parseOptions(value: unknown, path: ManifestPath, reader: ManifestReader): VariableOption[] {
  const items = reader.list(value, path) ?? [];
  const options: VariableOption[] = [];
  items.forEach((item, index) => {
    const at = [...path, index];
    // A bare scalar is a value without label; ReadyStackGo's form is `{value, label?, description?}`.
    if (typeof item === 'string' || typeof item === 'boolean') {
      options.push({ value: String(item), label: null, description: null });
      return;
    }
    const node = reader.mapping(item, at);
    if (node === undefined) {
      if (item === null) reader.problem(at, 'expected an option');
      return;
    }
    const optionValue = reader.scalarText(node.get('value'), [...at, 'value']);
    if (optionValue === undefined) {
      if (!node.has('value') || node.get('value') === null) reader.problem([...at, 'value'], 'required');
      return;
    }
    options.push({
      value: optionValue,
      label: reader.string(node.get('label'), [...at, 'label']) ?? null,
      description: reader.string(node.get('description'), [...at, 'description']) ?? null,
    });
  });
  return options;
}

function parseDefinition(name: string, value: unknown, path: ManifestPath, reader: ManifestReader): VariableDefinition | null {
  const before = reader.problemCount;
  // `NAME:` with nothing after it declares a required String.
  const node = value === null ? new Map<string, unknown>() : reader.mapping(value, path);
  if (node === undefined) return null;

  let type: VariableType = 'String';
  const rawType = reader.string(node.get('type'), [...path, 'type']);
  if (rawType !== undefined) {
    const known = normaliseVariableType(rawType);
    if (known === null) reader.warn([...path, 'type'], `unknown type ${JSON.stringify(rawType)}; treated as String`);
    type = known ?? 'String';
  }

  const defaultValue = reader.scalarText(node.get('default'), [...path, 'default']) ?? null;
  const requiredGiven = reader.boolean(node.get('required'), [...path, 'required']) ?? null;
  const pattern = reader.string(node.get('pattern'), [...path, 'pattern']) ?? null;
  if (pattern !== null) {
    try {
      new RegExp(pattern);
    } catch (err) {
      reader.problem([...path, 'pattern'], `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const options = node.has('options') ? parseOptions(node.get('options'), [...path, 'options'], reader) : [];
  if (type === 'Select' && options.length === 0) {
    reader.problem([...path, 'options'], 'a Select variable needs options');
  }
  const min = reader.number(node.get('min'), [...path, 'min']) ?? null;
  const max = reader.number(node.get('max'), [...path, 'max']) ?? null;
  if (min !== null && max !== null && min > max) reader.problem([...path, 'min'], `min ${min} is greater than max ${max}`);
  const order = reader.number(node.get('order'), [...path, 'order']) ?? null;

  const definition: VariableDefinition = {
    name,
    type,
    default: defaultValue,
    required: requiredGiven ?? defaultValue === null,
    requiredGiven,
    label: reader.string(node.get('label'), [...path, 'label']) ?? null,
    description: reader.string(node.get('description'), [...path, 'description']) ?? null,
    pattern,
    patternError: reader.string(node.get('patternError'), [...path, 'patternError']) ?? null,
    options,
    min,
    max,
    group: reader.string(node.get('group'), [...path, 'group']) ?? null,
    order,
    placeholder: reader.string(node.get('placeholder'), [...path, 'placeholder']) ?? null,
  };
  // A default that fails its own rules would fail every deploy that keeps it.
  if (reader.problemCount === before && defaultValue !== null && defaultValue.trim() !== '') {
    const problem = checkVariableValue(definition, defaultValue);
    if (problem !== null) reader.problem([...path, 'default'], problem);
  }
  return definition;
}

/** Parses a variables section into definitions, in manifest order. Absent → none. */
export function parseVariableDefinitions(value: unknown, path: ManifestPath, reader: ManifestReader): VariableDefinition[] {
  const node = reader.mapping(value, path);
  if (node === undefined) return [];
  const definitions: VariableDefinition[] = [];
  for (const [name, definition] of node) {
    const at = [...path, name];
    if (!variableName.test(name)) {
      reader.problem(at, 'variable names are letters, digits and _, not starting with a digit');
      continue;
    }
    const parsed = parseDefinition(name, definition, at, reader);
    if (parsed !== null) definitions.push(parsed);
  }
  return definitions;
}
