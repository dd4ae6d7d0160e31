//! Turns `oas3`'s typed pieces of a spec into what a page shows: an
//! operation's servers, parameters, request body and responses, a named
//! schema's fields, and examples (the spec's own, or built from the
//! schema).
//!
//! Owns: choosing what a reader sees (JSON bodies first, an example per
//! body, a schema's type said in words: `array of Agent`, `string (uuid)`).
//! Must never: load files or walk a spec's JSON itself; every piece comes
//! typed from `oas3` through [`Specs`].

use std::borrow::Cow;

use oas3::spec::{
    MediaType, MediaTypeExamples, ObjectOrReference, ObjectSchema, Operation, Parameter,
    ParameterIn, PathItem, Schema, SchemaType as Type, SchemaTypeSet as TypeSet, Server,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    ApiBody, ApiOperation, ApiParameter, ApiResponse, ApiSchema, ParameterPlace, ReadFile, Specs,
    MAX_DEPTH,
};

/// The operation `method` (lower-case) of a path item.
pub(super) fn operation_of<'a>(item: &'a PathItem, method: &str) -> Option<&'a Operation> {
    match method {
        "get" => item.get.as_ref(),
        "put" => item.put.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        "options" => item.options.as_ref(),
        "head" => item.head.as_ref(),
        "patch" => item.patch.as_ref(),
        "trace" => item.trace.as_ref(),
        _ => None,
    }
}

/// Reads pieces of specs, following references; the first piece that
/// turns out broken is kept and makes the whole read fail.
pub(super) struct Reader<'a> {
    specs: &'a mut Specs,
    read: &'a ReadFile<'a>,
    broken: Option<String>,
}

fn trimmed(text: Option<&String>) -> String {
    text.map(|text| text.trim().to_string()).unwrap_or_default()
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The name a `$ref` gives what it points at (`#/components/schemas/Agent`
/// → `Agent`).
fn ref_name(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .to_string()
}

fn place(location: &ParameterIn) -> ParameterPlace {
    match location {
        ParameterIn::Path => ParameterPlace::Path,
        ParameterIn::Query => ParameterPlace::Query,
        ParameterIn::Header => ParameterPlace::Header,
        ParameterIn::Cookie => ParameterPlace::Cookie,
    }
}

fn type_name(kind: &Type) -> &'static str {
    match kind {
        Type::Boolean => "boolean",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::String => "string",
        Type::Array => "array",
        Type::Object => "object",
        Type::Null => "null",
    }
}

/// A schema's types, `null` left out unless it is the only one.
fn types(schema: &ObjectSchema) -> Vec<Type> {
    let all = match &schema.schema_type {
        None => Vec::new(),
        Some(TypeSet::Single(kind)) => vec![*kind],
        Some(TypeSet::Multiple(kinds)) => kinds.clone(),
    };
    let without_null: Vec<Type> = all.iter().copied().filter(|k| *k != Type::Null).collect();
    match without_null.is_empty() {
        true => all,
        false => without_null,
    }
}

/// A schema's type as a reader says it: a referenced schema by its name,
/// `array of …`, `string (uuid)`, `object`, `any`.
fn kind(schema: &Schema, depth: usize) -> String {
    match schema {
        Schema::Boolean(_) => "any".into(),
        Schema::Object(object) => match object.as_ref() {
            ObjectOrReference::Ref { ref_path, .. } => ref_name(ref_path),
            ObjectOrReference::Object(schema) => object_kind(schema, depth),
        },
    }
}

fn object_kind(schema: &ObjectSchema, depth: usize) -> String {
    let types = types(schema);
    if types == [Type::Array] && depth < MAX_DEPTH {
        return match &schema.items {
            Some(items) => format!("array of {}", kind(items, depth + 1)),
            None => "array of any".into(),
        };
    }
    let named = match types.is_empty() {
        true if !schema.properties.is_empty() => "object".to_string(),
        true => "any".to_string(),
        false => types.iter().map(type_name).collect::<Vec<_>>().join(" or "),
    };
    match &schema.format {
        Some(format) if !types.is_empty() => format!("{named} ({format})"),
        _ => named,
    }
}

impl<'a> Reader<'a> {
    pub(super) fn new(specs: &'a mut Specs, read: &'a ReadFile<'a>) -> Self {
        Reader {
            specs,
            read,
            broken: None,
        }
    }

    /// `result`, unless a piece read on the way was broken.
    pub(super) fn finish<T>(self, result: T) -> Result<T, String> {
        match self.broken {
            Some(err) => Err(err),
            None => Ok(result),
        }
    }

    fn note(&mut self, err: String) {
        self.broken.get_or_insert(err);
    }

    /// `item` itself, or what its `$ref` (written in `file`) points at,
    /// with the file that holds it. `None` for a remote reference or one
    /// that cannot be followed (noted as broken).
    fn resolve<'b, T: DeserializeOwned + Clone>(
        &mut self,
        file: &str,
        item: &'b ObjectOrReference<T>,
    ) -> Option<(String, Cow<'b, T>)> {
        let mut reference = match item {
            ObjectOrReference::Object(object) => {
                return Some((file.to_string(), Cow::Borrowed(object)))
            }
            ObjectOrReference::Ref { ref_path, .. } => ref_path.clone(),
        };
        let mut file = file.to_string();
        for _ in 0..MAX_DEPTH {
            let place = match self.specs.follow(self.read, &file, &reference) {
                Ok(Some(place)) => place,
                Ok(None) => return None,
                Err(err) => {
                    self.note(err);
                    return None;
                }
            };
            let found = match self.specs.piece::<ObjectOrReference<T>>(self.read, &place) {
                Ok(found) => found?,
                Err(err) => {
                    self.note(err);
                    return None;
                }
            };
            match found {
                ObjectOrReference::Object(object) => return Some((place.file, Cow::Owned(object))),
                ObjectOrReference::Ref { ref_path, .. } => {
                    file = place.file;
                    reference = ref_path;
                }
            }
        }
        None
    }

    /// The object schema `schema` is or points at.
    fn object_schema<'b>(
        &mut self,
        file: &str,
        schema: &'b Schema,
    ) -> Option<(String, Cow<'b, ObjectSchema>)> {
        match schema {
            Schema::Boolean(_) => None,
            Schema::Object(object) => self.resolve(file, object.as_ref()),
        }
    }

    /// What a page shows of `operation`, on `item` (both written in
    /// `file`); `servers` are the spec's own.
    pub(super) fn operation(
        mut self,
        file: &str,
        item: &PathItem,
        operation: &Operation,
        servers: &[Server],
    ) -> Result<ApiOperation, String> {
        let parameters = self.parameters(file, &item.parameters, &operation.parameters);
        let request = operation
            .request_body
            .as_ref()
            .and_then(|body| self.resolve(file, body))
            .and_then(|(file, body)| self.media_body(&file, &body.content));
        let responses = operation
            .responses
            .iter()
            .flatten()
            .map(|(status, response)| {
                let resolved = self.resolve(file, response);
                ApiResponse {
                    status: status.clone(),
                    description: resolved
                        .as_ref()
                        .map(|(_, response)| trimmed(response.description.as_ref()))
                        .unwrap_or_default(),
                    body: resolved
                        .and_then(|(file, response)| self.media_body(&file, &response.content)),
                }
            })
            .collect();
        let servers = [&operation.servers, &item.servers, servers]
            .into_iter()
            .find(|list| !list.is_empty())
            .into_iter()
            .flatten()
            .map(|server| server.url.trim().to_string())
            .filter(|url| !url.is_empty())
            .collect();
        let operation = ApiOperation {
            summary: non_empty(trimmed(operation.summary.as_ref())),
            description: non_empty(trimmed(operation.description.as_ref())),
            servers,
            parameters,
            request,
            responses,
        };
        self.finish(operation)
    }

    /// The path item's parameters, then the operation's; an operation's
    /// parameter replaces the path's of the same place and name.
    fn parameters(
        &mut self,
        file: &str,
        shared: &[ObjectOrReference<Parameter>],
        own: &[ObjectOrReference<Parameter>],
    ) -> Vec<ApiParameter> {
        let own: Vec<ApiParameter> = own.iter().filter_map(|p| self.parameter(file, p)).collect();
        let mut parameters: Vec<ApiParameter> = shared
            .iter()
            .filter_map(|p| self.parameter(file, p))
            .filter(|p| {
                !own.iter()
                    .any(|o| o.location == p.location && o.name == p.name)
            })
            .collect();
        parameters.extend(own);
        parameters
    }

    fn parameter(
        &mut self,
        file: &str,
        parameter: &ObjectOrReference<Parameter>,
    ) -> Option<ApiParameter> {
        let (_, parameter) = self.resolve(file, parameter)?;
        let schema = parameter.schema.as_ref().or_else(|| {
            parameter
                .content
                .as_ref()
                .and_then(|content| content.values().next())
                .and_then(|media| media.schema.as_ref())
        });
        Some(ApiParameter {
            location: place(&parameter.location),
            name: parameter.name.clone(),
            kind: schema.map_or_else(|| "any".to_string(), |schema| kind(schema, 0)),
            required: parameter.required == Some(true),
            description: trimmed(parameter.description.as_ref()),
        })
    }

    /// A `content` map's body: JSON first, else the first media type.
    fn media_body(
        &mut self,
        file: &str,
        content: &oas3::Map<String, MediaType>,
    ) -> Option<ApiBody> {
        let (content_type, media) = content
            .iter()
            .find(|(media_type, _)| media_type.contains("json"))
            .or_else(|| content.iter().next())?;
        let example = match &media.examples {
            Some(MediaTypeExamples::Example { example }) => Some(example.clone()),
            Some(MediaTypeExamples::Examples { examples }) => examples
                .values()
                .next()
                .and_then(|example| self.resolve(file, example))
                .and_then(|(_, example)| example.value.clone()),
            None => None,
        };
        Some(self.body(file, content_type, media.schema.as_ref(), example))
    }

    fn body(
        &mut self,
        file: &str,
        content_type: &str,
        schema: Option<&Schema>,
        example: Option<Value>,
    ) -> ApiBody {
        let Some(schema) = schema else {
            return ApiBody {
                content_type: content_type.into(),
                example: example.and_then(shown),
                ..ApiBody::default()
            };
        };
        // Resolved once for its fields and, if the spec gives none, an
        // example built from it.
        let (fields, built) = match self.object_schema(file, schema) {
            Some((file, object)) => (
                self.fields_of(&file, &object, 0),
                example
                    .is_none()
                    .then(|| self.example_of(&file, &object, 0)),
            ),
            None => (Vec::new(), None),
        };
        let example = example.or(built).unwrap_or(Value::Null);
        ApiBody {
            content_type: content_type.into(),
            schema: kind(schema, 0),
            fields,
            example: shown(example),
        }
    }

    /// What a page shows of the named schema `name` (written in `file`).
    pub(super) fn schema(&mut self, file: &str, name: &str, schema: &Schema) -> ApiSchema {
        let Some((file, object)) = self.object_schema(file, schema) else {
            return ApiSchema {
                name: name.to_string(),
                kind: kind(schema, 0),
                ..ApiSchema::default()
            };
        };
        ApiSchema {
            name: name.to_string(),
            kind: object_kind(&object, 0),
            description: trimmed(object.description.as_ref()),
            fields: self.fields_of(&file, &object, 0),
            example: shown(self.example_of(&file, &object, 0)),
        }
    }

    /// The top-level properties of an object schema (through `allOf`, and
    /// an array's items).
    fn fields(&mut self, file: &str, schema: &Schema, depth: usize) -> Vec<ApiParameter> {
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        match self.object_schema(file, schema) {
            Some((file, object)) => self.fields_of(&file, &object, depth),
            None => Vec::new(),
        }
    }

    /// [`Reader::fields`] of the object schema `schema` (written in
    /// `file`).
    fn fields_of(&mut self, file: &str, schema: &ObjectSchema, depth: usize) -> Vec<ApiParameter> {
        if types(schema) == [Type::Array] {
            return match &schema.items {
                Some(items) => self.fields(file, items, depth + 1),
                None => Vec::new(),
            };
        }
        let mut fields = Vec::new();
        for part in &schema.all_of {
            fields.extend(self.fields(file, part, depth + 1));
        }
        for (name, property) in &schema.properties {
            let description = self
                .object_schema(file, property)
                .map(|(_, property)| trimmed(property.description.as_ref()))
                .unwrap_or_default();
            fields.push(ApiParameter {
                location: ParameterPlace::BodyField,
                name: name.clone(),
                kind: kind(property, depth),
                required: schema.required.contains(name),
                description,
            });
        }
        fields
    }

    /// An example built from a schema: its own `example`, else one per type.
    fn example(&mut self, file: &str, schema: &Schema, depth: usize) -> Value {
        match self.object_schema(file, schema) {
            Some((file, object)) => self.example_of(&file, &object, depth),
            None => Value::Null,
        }
    }

    /// [`Reader::example`] of the object schema `schema` (written in
    /// `file`).
    fn example_of(&mut self, file: &str, schema: &ObjectSchema, depth: usize) -> Value {
        if let Some(example) = schema.example.as_ref().or(schema.examples.first()) {
            return example.clone();
        }
        if depth >= MAX_DEPTH {
            return Value::Null;
        }
        let given = schema
            .enum_values
            .first()
            .or(schema.default.as_ref())
            .or(schema.const_value.as_ref());
        if let Some(given) = given {
            return given.clone();
        }
        match types(schema).first() {
            Some(Type::Array) => Value::Array(match &schema.items {
                Some(items) => vec![self.example(file, items, depth + 1)],
                None => Vec::new(),
            }),
            Some(Type::String) => Value::String("text".into()),
            Some(Type::Integer | Type::Number) => Value::from(0),
            Some(Type::Boolean) => Value::Bool(true),
            Some(Type::Null) => Value::Null,
            Some(Type::Object) | None => {
                let mut object = serde_json::Map::new();
                for part in &schema.all_of {
                    if let Value::Object(map) = self.example(file, part, depth + 1) {
                        object.extend(map);
                    }
                }
                for (name, property) in &schema.properties {
                    object.insert(name.clone(), self.example(file, property, depth + 1));
                }
                Value::Object(object)
            }
        }
    }
}

/// An example as shown: pretty-printed JSON, none for `null` (all a
/// schema kept in another site gives).
fn shown(example: Value) -> Option<String> {
    match example {
        Value::Null => None,
        example => serde_json::to_string_pretty(&example).ok(),
    }
}
