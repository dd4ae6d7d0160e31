//! OpenAPI from local specifications: Swagger 2.0 and OpenAPI 3.0/3.1,
//! JSON or YAML, `$ref` resolved within the file and across local files
//! (read through the book root). `resolve` reads operations and schemas
//! for `swagger`/`openapi` blocks; `load` reads what a spec holds (its
//! operations by tag, its schema names) to generate the reference pages of
//! a SUMMARY OpenAPI entry.
//!
//! Owns: reading a spec into a typed [`ApiOperation`] (servers, summary,
//! description, parameters, request body, responses, with examples from
//! the spec or built from the schema) or [`SpecContents`]. Must never: read
//! files except through the reader it is given (the book root's), fetch a
//! remote `$ref`, or emit HTML.
//!
//! No maintained crate reads all three versions (`openapiv3` is 3.0 only,
//! `oas3` 3.1 only, and neither resolves references across files), and
//! GitBook exports use all three; so this reads the JSON value `yaml`
//! produces into one small typed model.

use std::collections::HashMap;

use serde_json::Value;

use crate::paths;
use crate::yaml;

/// One operation of a spec, as a reader needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiOperation {
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description (Markdown).
    pub description: Option<String>,
    /// Base addresses.
    pub servers: Vec<String>,
    /// Path, query, header and cookie parameters.
    pub parameters: Vec<ApiParameter>,
    /// The request body, if the operation takes one.
    pub request: Option<ApiBody>,
    /// Responses by status code, in the spec's order.
    pub responses: Vec<ApiResponse>,
}

/// A parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiParameter {
    /// `path`, `query`, `header`, `cookie` (or `formData` in Swagger 2.0).
    pub location: String,
    /// Its name.
    pub name: String,
    /// Its type (`string`, `integer`, `array of string`, a schema name).
    pub kind: String,
    /// Whether it must be given.
    pub required: bool,
    /// Description (Markdown).
    pub description: String,
}

/// A request or response body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiBody {
    /// `application/json`, …
    pub content_type: String,
    /// What its schema is (`Agent`, `array of Agent`, `object`).
    pub schema: String,
    /// The top-level fields of its schema.
    pub fields: Vec<ApiParameter>,
    /// An example, pretty-printed JSON (from the spec, or built from the
    /// schema).
    pub example: Option<String>,
}

/// A response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiResponse {
    /// `200`, `404`, `default`.
    pub status: String,
    /// Description (Markdown).
    pub description: String,
    /// Its body, if any.
    pub body: Option<ApiBody>,
}

/// A named schema of a spec (`components/schemas` or `definitions`), for
/// `openapi-schemas` blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiSchema {
    /// Its name in the spec.
    pub name: String,
    /// What it is (`object`, `array of Agent`, `string`).
    pub kind: String,
    /// Description (Markdown).
    pub description: String,
    /// Its top-level fields.
    pub fields: Vec<ApiParameter>,
    /// An example, pretty-printed JSON (from the spec, or built from it).
    pub example: Option<String>,
}

/// What a spec holds, for a generated reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecContents {
    /// Operations grouped by tag.
    pub groups: Vec<TagGroup>,
    /// The names of its schemas (`components/schemas` or `definitions`).
    pub schemas: Vec<String>,
}

/// The operations of one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    /// The tag's name.
    pub name: String,
    /// The tag's description (Markdown), if the spec gives one.
    pub description: Option<String>,
    /// `(method, path)` of each operation, lower-case methods.
    pub operations: Vec<(String, String)>,
}

/// HTTP methods in the order a reference lists them.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Reads a book file's text, or says why it cannot.
pub type ReadFile<'a> = dyn Fn(&str) -> Result<String, String> + 'a;

/// Reads specs once each and resolves references between them.
#[derive(Default)]
pub struct Specs {
    loaded: HashMap<String, Result<Value, String>>,
}

/// How deep references and schemas are followed, so cycles end.
const MAX_DEPTH: usize = 8;

impl Specs {
    /// The operation `method path` of the spec at `spec_path`, or why it
    /// cannot be read.
    pub fn operation(
        &mut self,
        read: &ReadFile<'_>,
        spec_path: &str,
        api_path: &str,
        method: &str,
    ) -> Result<ApiOperation, String> {
        let spec = self.load(read, spec_path)?.clone();
        let method = method.to_ascii_lowercase();
        let path_item = spec
            .get("paths")
            .and_then(|paths| paths.get(api_path))
            .ok_or_else(|| format!("the specification has no path `{api_path}`"))?;
        let path_item = self.deref(read, spec_path, &spec, path_item, 0);
        let op = path_item
            .get(method.as_str())
            .ok_or_else(|| {
                format!(
                    "the specification has no `{}` operation on `{api_path}`",
                    method.to_ascii_uppercase()
                )
            })?
            .clone();
        let mut reader = Reader {
            specs: self,
            read,
            path: spec_path,
            spec: &spec,
        };
        Ok(reader.operation(&path_item, &op))
    }

    /// The schemas `names` of the spec at `spec_path`, in the order given;
    /// a name the spec does not define is an error naming it.
    pub fn schemas(
        &mut self,
        read: &ReadFile<'_>,
        spec_path: &str,
        names: &[&str],
    ) -> Result<Vec<ApiSchema>, String> {
        let spec = self.load(read, spec_path)?.clone();
        let defined = spec
            .pointer("/components/schemas")
            .or_else(|| spec.get("definitions"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut reader = Reader {
            specs: self,
            read,
            path: spec_path,
            spec: &spec,
        };
        names
            .iter()
            .map(|&name| {
                let schema = defined.get(name).ok_or_else(|| {
                    let known: Vec<&str> = defined.keys().map(String::as_str).collect();
                    match known.is_empty() {
                        true => format!("the specification defines no schemas, so not `{name}`"),
                        false => format!(
                            "the specification has no schema `{name}`; it defines {}",
                            known.join(", ")
                        ),
                    }
                })?;
                Ok(reader.schema(name, schema))
            })
            .collect()
    }

    /// The operations of the spec at `spec_path` grouped by their first
    /// tag (tags in the order the spec lists them, then as first used;
    /// untagged operations last), and its schema names.
    pub fn contents(
        &mut self,
        read: &ReadFile<'_>,
        spec_path: &str,
    ) -> Result<SpecContents, String> {
        let spec = self.load(read, spec_path)?.clone();
        let mut groups: Vec<TagGroup> = spec
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|tag| {
                Some(TagGroup {
                    name: tag.get("name")?.as_str()?.to_string(),
                    description: tag
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    operations: Vec::new(),
                })
            })
            .collect();
        let mut untagged = Vec::new();
        let paths = spec.get("paths").and_then(Value::as_object).cloned();
        for (api_path, item) in paths.into_iter().flatten() {
            let item = self.deref(read, spec_path, &spec, &item, 0);
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let entry = (method.to_string(), api_path.clone());
                let tag = operation
                    .pointer("/tags/0")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match tag {
                    Some(tag) => match groups.iter_mut().find(|group| group.name == tag) {
                        Some(group) => group.operations.push(entry),
                        None => groups.push(TagGroup {
                            name: tag,
                            description: None,
                            operations: vec![entry],
                        }),
                    },
                    None => untagged.push(entry),
                }
            }
        }
        groups.retain(|group| !group.operations.is_empty());
        if !untagged.is_empty() {
            groups.push(TagGroup {
                name: "Other operations".to_string(),
                description: None,
                operations: untagged,
            });
        }
        let schemas = spec
            .pointer("/components/schemas")
            .or_else(|| spec.get("definitions"))
            .and_then(Value::as_object)
            .map(|defined| defined.keys().cloned().collect())
            .unwrap_or_default();
        Ok(SpecContents { groups, schemas })
    }

    fn load(&mut self, read: &ReadFile<'_>, path: &str) -> Result<&Value, String> {
        self.loaded
            .entry(path.to_string())
            .or_insert_with(|| {
                let text = read(path)
                    .map_err(|err| format!("the specification `{path}` cannot be read: {err}"))?;
                let value = yaml::parse_yaml(&text).map_err(|err| {
                    let (line, column) = line_column(&text, err.offset);
                    format!(
                        "the specification `{path}` is not valid JSON or YAML at its line {line}, column {column}: {}",
                        err.message
                    )
                })?;
                check_document(path, &value)?;
                Ok(value)
            })
            .as_ref()
            .map_err(String::clone)
    }

    /// Follows `$ref` (`#/components/…`, `other.yaml#/…`) to the value it
    /// names; anything unresolvable is returned as written.
    fn deref(
        &mut self,
        read: &ReadFile<'_>,
        path: &str,
        spec: &Value,
        value: &Value,
        depth: usize,
    ) -> Value {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value.clone();
        };
        if depth >= MAX_DEPTH {
            return Value::Null;
        }
        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let (target_path, document) = if file.is_empty() {
            (path.to_string(), spec.clone())
        } else if paths::has_scheme(file) {
            return Value::Null;
        } else {
            let joined = paths::join(paths::parent_dir(path), file);
            if joined.clamped > 0 {
                return Value::Null;
            }
            match self.load(read, &joined.path) {
                Ok(document) => (joined.path.clone(), document.clone()),
                Err(_) => return Value::Null,
            }
        };
        let found = if pointer.is_empty() {
            Some(&document)
        } else {
            document.pointer(pointer)
        };
        match found {
            Some(found) => {
                let found = found.clone();
                self.deref(read, &target_path, &document, &found, depth + 1)
            }
            None => Value::Null,
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// What makes a parsed file unusable as a specification: not a mapping, no
/// `openapi`/`swagger` version, `paths` or `components` of the wrong kind.
fn check_document(path: &str, value: &Value) -> Result<(), String> {
    let Some(map) = value.as_object() else {
        return Err(format!(
            "the specification `{path}` is not an OpenAPI document: it holds no keys"
        ));
    };
    // A file only referenced (`shared.yaml#/Agent`) has no version of its
    // own; only a document with `paths` must say which version it is.
    let versioned = map.contains_key("openapi") || map.contains_key("swagger");
    if map.contains_key("paths") && !versioned {
        return Err(format!(
            "the specification `{path}` is not an OpenAPI document: it has no `openapi` (3.x) or `swagger` (2.0) version"
        ));
    }
    for key in ["paths", "components", "definitions"] {
        if let Some(found) = map.get(key).filter(|v| !v.is_object() && !v.is_null()) {
            return Err(format!(
                "the specification `{path}` is broken: `{key}` must be a mapping, not {}",
                kind_of(found)
            ));
        }
    }
    Ok(())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Reads one spec's values, following references.
struct Reader<'a> {
    specs: &'a mut Specs,
    read: &'a ReadFile<'a>,
    path: &'a str,
    spec: &'a Value,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The name a `$ref` gives its schema (`#/components/schemas/Agent` → `Agent`).
fn ref_name(value: &Value) -> Option<String> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_string)
}

impl Reader<'_> {
    fn resolve(&mut self, value: &Value, depth: usize) -> Value {
        self.specs
            .deref(self.read, self.path, self.spec, value, depth)
    }

    fn is_swagger2(&self) -> bool {
        self.spec.get("swagger").is_some()
    }

    fn operation(&mut self, path_item: &Value, op: &Value) -> ApiOperation {
        let mut parameters = Vec::new();
        let mut request = None;
        let mut form_fields = Vec::new();
        let listed = path_item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .cloned()
            .collect::<Vec<_>>();
        for parameter in listed {
            let parameter = self.resolve(&parameter, 0);
            let location = text(&parameter, "in");
            if location == "body" {
                // Swagger 2.0: the body is a parameter with a schema.
                let content_type = self.consumes(op);
                request = Some(self.body(&content_type, parameter.get("schema"), None));
                continue;
            }
            let kind = match parameter.get("schema") {
                Some(schema) => self.kind(schema, 0),
                None => self.kind(&parameter, 0),
            };
            let entry = ApiParameter {
                location: location.clone(),
                name: text(&parameter, "name"),
                kind,
                required: parameter.get("required").and_then(Value::as_bool) == Some(true),
                description: text(&parameter, "description"),
            };
            if location == "formData" {
                form_fields.push(entry);
            } else {
                parameters.push(entry);
            }
        }
        if !form_fields.is_empty() && request.is_none() {
            request = Some(ApiBody {
                content_type: self.consumes(op),
                schema: "form".into(),
                fields: form_fields,
                example: None,
            });
        }
        if let Some(body) = op.get("requestBody") {
            let body = self.resolve(body, 0);
            request = self.media_body(&body);
        }
        ApiOperation {
            summary: non_empty(text(op, "summary")),
            description: non_empty(text(op, "description")),
            servers: self.servers(path_item, op),
            parameters,
            request,
            responses: self.responses(op),
        }
    }

    fn schema(&mut self, name: &str, schema: &Value) -> ApiSchema {
        let resolved = self.resolve(schema, 0);
        let example = self.example(&resolved, 0);
        ApiSchema {
            name: name.to_string(),
            kind: self.kind(&resolved, 0),
            description: text(&resolved, "description"),
            fields: self.fields(&resolved, 0),
            example: Some(pretty(&example)),
        }
    }

    fn consumes(&self, op: &Value) -> String {
        op.get("consumes")
            .or_else(|| self.spec.get("consumes"))
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(Value::as_str)
            .unwrap_or("application/json")
            .to_string()
    }

    fn servers(&self, path_item: &Value, op: &Value) -> Vec<String> {
        if self.is_swagger2() {
            let host = text(self.spec, "host");
            if host.is_empty() {
                return Vec::new();
            }
            let scheme = self
                .spec
                .get("schemes")
                .and_then(Value::as_array)
                .and_then(|s| s.first())
                .and_then(Value::as_str)
                .unwrap_or("https");
            return vec![format!("{scheme}://{host}{}", text(self.spec, "basePath"))];
        }
        [op, path_item, self.spec]
            .iter()
            .find_map(|v| v.get("servers").and_then(Value::as_array))
            .into_iter()
            .flatten()
            .map(|server| text(server, "url"))
            .filter(|url| !url.is_empty())
            .collect()
    }

    fn responses(&mut self, op: &Value) -> Vec<ApiResponse> {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Vec::new();
        };
        let responses: Vec<(String, Value)> = responses
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        responses
            .into_iter()
            .map(|(status, response)| {
                let response = self.resolve(&response, 0);
                let body = if self.is_swagger2() {
                    response.get("schema").map(|schema| {
                        let example = response
                            .get("examples")
                            .and_then(Value::as_object)
                            .and_then(|e| e.values().next())
                            .cloned();
                        let content_type = self.produces();
                        self.body(&content_type, Some(schema), example)
                    })
                } else {
                    self.media_body(&response)
                };
                ApiResponse {
                    status,
                    description: text(&response, "description"),
                    body,
                }
            })
            .collect()
    }

    fn produces(&self) -> String {
        self.spec
            .get("produces")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(Value::as_str)
            .unwrap_or("application/json")
            .to_string()
    }

    /// An OpenAPI 3 `content` map: JSON first, else the first type.
    fn media_body(&mut self, holder: &Value) -> Option<ApiBody> {
        let content = holder.get("content")?.as_object()?;
        let (content_type, media) = content
            .iter()
            .find(|(k, _)| k.contains("json"))
            .or_else(|| content.iter().next())?;
        let example = media.get("example").cloned().or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .map(|e| self.resolve(e, 0))
                .and_then(|e| e.get("value").cloned())
        });
        let (content_type, media) = (content_type.clone(), media.clone());
        Some(self.body(&content_type, media.get("schema"), example))
    }

    fn body(
        &mut self,
        content_type: &str,
        schema: Option<&Value>,
        example: Option<Value>,
    ) -> ApiBody {
        let Some(schema) = schema else {
            return ApiBody {
                content_type: content_type.into(),
                example: example.map(|e| pretty(&e)),
                ..ApiBody::default()
            };
        };
        let kind = self.kind(schema, 0);
        let resolved = self.resolve(schema, 0);
        let example = example.or_else(|| Some(self.example(&resolved, 0)));
        ApiBody {
            content_type: content_type.into(),
            schema: kind,
            fields: self.fields(&resolved, 0),
            example: example.map(|e| pretty(&e)),
        }
    }

    /// A schema's type as a reader says it.
    fn kind(&mut self, schema: &Value, depth: usize) -> String {
        if let Some(name) = ref_name(schema) {
            return name;
        }
        let kind = text(schema, "type");
        if kind == "array" && depth < MAX_DEPTH {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            return format!("array of {}", self.kind(&items, depth + 1));
        }
        let format = text(schema, "format");
        match (kind.is_empty(), format.is_empty()) {
            (true, _) if schema.get("properties").is_some() => "object".into(),
            (true, _) => "any".into(),
            (false, true) => kind,
            (false, false) => format!("{kind} ({format})"),
        }
    }

    /// The top-level properties of an object schema (through `allOf`, and
    /// an array's items).
    fn fields(&mut self, schema: &Value, depth: usize) -> Vec<ApiParameter> {
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        let schema = self.resolve(schema, depth);
        if text(&schema, "type") == "array" {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            return self.fields(&items, depth + 1);
        }
        let mut fields = Vec::new();
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            fields.extend(self.fields(&part, depth + 1));
        }
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let properties: Vec<(String, Value)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (name, property) in properties {
            let resolved = self.resolve(&property, depth);
            fields.push(ApiParameter {
                location: String::new(),
                required: required.contains(&name),
                kind: self.kind(&property, depth),
                description: text(&resolved, "description"),
                name,
            });
        }
        fields
    }

    /// An example built from a schema: its own `example`, else one per type.
    fn example(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema, depth);
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if depth >= MAX_DEPTH {
            return Value::Null;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if let Some(default) = schema.get("default") {
            return default.clone();
        }
        match text(&schema, "type").as_str() {
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                Value::Array(vec![self.example(&items, depth + 1)])
            }
            "string" => Value::String("text".into()),
            "integer" | "number" => Value::from(0),
            "boolean" => Value::Bool(true),
            _ => {
                let mut object = serde_json::Map::new();
                for part in schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                {
                    if let Value::Object(map) = self.example(&part, depth + 1) {
                        object.extend(map);
                    }
                }
                let properties: Vec<(String, Value)> = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default();
                for (name, property) in properties {
                    object.insert(name, self.example(&property, depth + 1));
                }
                Value::Object(object)
            }
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader over files held in memory.
    fn book(files: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, String> {
        let files: HashMap<String, String> = files
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        move |path: &str| {
            files
                .get(path)
                .cloned()
                .ok_or_else(|| "no such file".to_string())
        }
    }

    const OPENAPI3: &str = r##"openapi: 3.1.0
servers: [{url: "https://api.example.org/v1"}]
paths:
  /agents/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}, description: The agent}
    put:
      summary: Update an agent
      description: Replaces the agent's **settings**.
      parameters:
        - $ref: "#/components/parameters/Trace"
      requestBody:
        content:
          application/json:
            schema: {$ref: "shared/agent.yaml#/Agent"}
      responses:
        "200":
          description: The agent
          content:
            application/json:
              schema: {$ref: "shared/agent.yaml#/Agent"}
              examples:
                one: {value: {id: ag_1, tags: [a]}}
        "404": {$ref: "#/components/responses/NotFound"}
components:
  parameters:
    Trace: {name: X-Trace, in: header, schema: {type: string, format: uuid}}
  responses:
    NotFound: {description: No such agent}
"##;

    const AGENT: &str = r##"Agent:
  type: object
  required: [id]
  properties:
    id: {type: string, description: Its id, example: ag_7}
    tags: {type: array, items: {type: string}}
    parent: {$ref: "#/Agent"}
"##;

    #[test]
    fn openapi_3_with_references_across_files() {
        let read = book(&[
            ("specs/api.yaml", OPENAPI3),
            ("specs/shared/agent.yaml", AGENT),
        ]);
        let op = Specs::default()
            .operation(&read, "specs/api.yaml", "/agents/{id}", "PUT")
            .unwrap();
        assert_eq!(op.summary.as_deref(), Some("Update an agent"));
        assert_eq!(op.servers, ["https://api.example.org/v1"]);
        let params: Vec<_> = op
            .parameters
            .iter()
            .map(|p| format!("{} {} {} {}", p.location, p.name, p.kind, p.required))
            .collect();
        assert_eq!(
            params,
            ["path id string true", "header X-Trace string (uuid) false"]
        );
        let request = op.request.unwrap();
        assert_eq!(request.schema, "Agent");
        let fields: Vec<_> = request
            .fields
            .iter()
            .map(|f| format!("{} {} {}", f.name, f.kind, f.required))
            .collect();
        // serde_json keeps object keys sorted, so fields come in name order.
        assert_eq!(
            fields,
            [
                "id string true",
                "parent Agent false",
                "tags array of string false"
            ]
        );
        let example: Value = serde_json::from_str(request.example.as_deref().unwrap()).unwrap();
        assert_eq!(example["id"], "ag_7");
        assert_eq!(op.responses.len(), 2);
        assert_eq!(op.responses[0].status, "200");
        assert!(op.responses[0]
            .body
            .as_ref()
            .unwrap()
            .example
            .as_deref()
            .unwrap()
            .contains("\"ag_1\""));
        assert_eq!(op.responses[1].description, "No such agent");
        assert!(op.responses[1].body.is_none());
    }

    #[test]
    fn swagger_2_body_parameters_and_hosts() {
        let spec = r##"{"swagger": "2.0", "host": "api.example.org", "basePath": "/v2", "schemes": ["https"],
          "definitions": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
          "paths": {"/pets": {"post": {"parameters": [{"in": "body", "name": "pet", "schema": {"$ref": "#/definitions/Pet"}},
             {"in": "query", "name": "dry", "type": "boolean"}],
             "responses": {"201": {"description": "Created", "schema": {"$ref": "#/definitions/Pet"}, "examples": {"application/json": {"name": "Rex"}}}}}}}}"##;
        let read = book(&[("pets.json", spec)]);
        let op = Specs::default()
            .operation(&read, "pets.json", "/pets", "post")
            .unwrap();
        assert_eq!(op.servers, ["https://api.example.org/v2"]);
        assert_eq!(op.parameters.len(), 1);
        assert_eq!(op.parameters[0].kind, "boolean");
        assert_eq!(op.request.as_ref().unwrap().schema, "Pet");
        assert!(op.responses[0]
            .body
            .as_ref()
            .unwrap()
            .example
            .as_deref()
            .unwrap()
            .contains("Rex"));
    }

    #[test]
    fn named_schemas_with_their_fields_and_examples() {
        let spec = format!(
            "{OPENAPI3}  schemas:\n    Agent: {{$ref: \"shared/agent.yaml#/Agent\"}}\n    Tag: {{type: string, description: A label}}\n"
        );
        let read = book(&[
            ("specs/api.yaml", spec.as_str()),
            ("specs/shared/agent.yaml", AGENT),
        ]);
        let mut specs = Specs::default();
        let schemas = specs
            .schemas(&read, "specs/api.yaml", &["Tag", "Agent"])
            .unwrap();
        assert_eq!(schemas[0].name, "Tag");
        assert_eq!(schemas[0].kind, "string");
        assert_eq!(schemas[0].description, "A label");
        assert_eq!(schemas[1].kind, "object");
        let fields: Vec<_> = schemas[1].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["id", "parent", "tags"]);
        assert!(schemas[1].example.as_deref().unwrap().contains("\"ag_7\""));
        let err = specs
            .schemas(&read, "specs/api.yaml", &["Agnet"])
            .unwrap_err();
        assert_eq!(
            err,
            "the specification has no schema `Agnet`; it defines Agent, Tag"
        );
    }

    #[test]
    fn broken_specs_say_what_is_wrong() {
        let read = book(&[("bad.yaml", "openapi: [unclosed\n"), ("ok.yaml", OPENAPI3)]);
        let mut specs = Specs::default();
        let err = specs.operation(&read, "bad.yaml", "/x", "get").unwrap_err();
        assert!(
            err.contains("is not valid JSON or YAML at its line 1, column 10"),
            "{err}"
        );
        let read = book(&[
            ("a.yaml", "info: {title: x}\npaths: {}\n"),
            ("b.yaml", "openapi: 3.0.0\npaths: [one]\n"),
        ]);
        let err = specs.operation(&read, "a.yaml", "/x", "get").unwrap_err();
        assert!(
            err.contains("has no `openapi` (3.x) or `swagger` (2.0) version"),
            "{err}"
        );
        let err = specs.operation(&read, "b.yaml", "/x", "get").unwrap_err();
        assert!(
            err.ends_with("`paths` must be a mapping, not a list"),
            "{err}"
        );
        let read = book(&[("bad.yaml", "openapi: [unclosed\n"), ("ok.yaml", OPENAPI3)]);
        let err = specs
            .operation(&read, "ok.yaml", "/nope", "get")
            .unwrap_err();
        assert_eq!(err, "the specification has no path `/nope`");
        let err = specs
            .operation(&read, "ok.yaml", "/agents/{id}", "get")
            .unwrap_err();
        assert_eq!(
            err,
            "the specification has no `GET` operation on `/agents/{id}`"
        );
        assert!(specs.operation(&read, "missing.yaml", "/x", "get").is_err());
    }
}
