import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROPERTY_NAMES } from '../../src/properties/runner-properties';

/**
 * The CDK construct's props are typed by hand (jsii needs explicit interfaces); `toRunnerProperties`
 * (infra/cdk/lib/runner-properties.ts) writes them as the resource's properties. Read from its source, without
 * loading aws-cdk-lib or synthesizing: the property names of the object literal it renders.
 */
const CDK_SOURCE = path.resolve(__dirname, '../../infra/cdk/lib/runner-properties.ts');

/** Names the construct deliberately does not write in `toRunnerProperties`. */
const NOT_WRITTEN_BY_THE_CONSTRUCT: Record<string, string> = {
  // CustomResource writes these two itself (`serviceToken`, `serviceTimeout`).
  ServiceToken: 'CustomResource',
  ServiceTimeout: 'CustomResource',
  // The construct writes the network as NetworkConfiguration; the top-level shorthand is for hand-written templates.
  Subnets: 'NetworkConfiguration',
  SecurityGroups: 'NetworkConfiguration',
  AssignPublicIp: 'NetworkConfiguration',
};

function renderedNames(): string[] {
  const source = ts.createSourceFile(CDK_SOURCE, readFileSync(CDK_SOURCE, 'utf8'), ts.ScriptTarget.ES2022, true);
  const render = source.statements.find(
    (statement): statement is ts.FunctionDeclaration =>
      ts.isFunctionDeclaration(statement) && statement.name?.text === 'toRunnerProperties',
  );
  const literals: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
      literals.push(node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  if (render?.body) visit(render.body);
  if (literals.length !== 1) throw new Error(`expected one object literal of properties in toRunnerProperties`);
  return (literals[0] as ts.ObjectLiteralExpression).properties.map((property) => {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) {
      throw new Error(`toRunnerProperties: cannot read the name of ${property.getText(source)}`);
    }
    return property.name.text;
  });
}

describe('the CDK construct', () => {
  it('writes every property of the table but those it leaves to CustomResource or writes in another form', () => {
    const expected = PROPERTY_NAMES.filter((name) => !(name in NOT_WRITTEN_BY_THE_CONSTRUCT));
    expect([...renderedNames()].sort()).toEqual([...expected].sort());
  });
});
