/**
 * A frontend reads the schema as its documentation: every type, field, argument, input field and
 * enum value of ours carries a description (GraphQL's own introspection types and scalars excepted).
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLSchema,
} from 'graphql';
import { createAppPubSub } from '../../src/pubsub/pubsub';
import { buildAppSchema } from '../../src/server/schema';

const BUILT_IN = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (what: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(what);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || BUILT_IN.has(type.name)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args)
          need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    } else if (isUnionType(type)) {
      // the union's own description is enough
    }
  }
  return missing;
}

describe('the schema', () => {
  it('describes every type, field, argument and enum value', async () => {
    const schema = await buildAppSchema(createAppPubSub());
    expect(undescribed(schema)).toEqual([]);
  });

  it('reads plain fields as properties and keeps the field resolvers', async () => {
    const schema = await buildAppSchema(createAppPubSub());
    const fields = (name: string) => {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      return type.getFields();
    };
    for (const [type, field] of [
      ['User', 'plan'],
      ['UserConnection', 'edges'],
      ['UserEdge', 'node'],
      ['ChurnScore', 'probability'],
    ])
      expect({ field: `${type}.${field}`, resolve: fields(type)[field].resolve }).toEqual({
        field: `${type}.${field}`,
        resolve: undefined,
      });
    expect(fields('User').churnScore.resolve).toEqual(expect.any(Function));
  });
});
