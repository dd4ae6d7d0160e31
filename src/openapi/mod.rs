//! OpenAPI from local specifications: Swagger 2.0 and OpenAPI 3.0/3.1,
//! JSON or YAML, `$ref` resolved within the file and across local files
//! (read through the book root). `resolve` reads operations and schemas
//! for `swagger`/`openapi` blocks; `load` reads what a spec holds (its
//! operations by tag, its schema names) to generate the reference pages of
//! a SUMMARY OpenAPI entry.
//!
//! Owns: loading spec files (each parsed once, through `yaml`), following
//! `$ref`s between them, and handing out typed pieces of a spec. The
//! OpenAPI model is the `oas3` crate's (OpenAPI 3.1): `upgrade` first
//! brings Swagger 2.0 and OpenAPI 3.0 documents to that shape, and `read`
//! turns the crate's types into what a page shows ([`ApiOperation`],
//! [`ApiSchema`]). A piece the crate cannot read is an error naming the
//! file, its line and the key path. Must never: read files except through
//! the reader it is given (the book root's), fetch a remote `$ref`, or emit
//! HTML.
//!
//! `oas3` reads 3.1 only and follows no reference across files, so those
//! two jobs are done here; everything else about a spec's shape is the
//! crate's.

mod read;
mod upgrade;

use std::collections::HashMap;
use std::sync::Arc;

use oas3::spec::{
    Example, Header, ObjectSchema, Parameter, PathItem, RequestBody, Response, Schema, Server, Tag,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use serde_path_to_error::Segment;

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
    /// Where it is given.
    pub location: ParameterPlace,
    /// Its name.
    pub name: String,
    /// Its type (`string`, `integer`, `array of string`, a schema name).
    pub kind: String,
    /// Whether it must be given.
    pub required: bool,
    /// Description (Markdown).
    pub description: String,
}

/// Where a parameter is given: in the request's path, query, headers or
/// cookies, or as a field of a body (Swagger 2.0's `formData` parameters
/// are fields of a form body).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ParameterPlace {
    /// Part of the path (`/agents/{id}`).
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
    /// A field of a request or response body's schema.
    #[default]
    BodyField,
}

impl ParameterPlace {
    /// OpenAPI's name for the place (`path`, `query`, …); empty for a
    /// body's field, which the page lists under its body.
    pub fn name(self) -> &'static str {
        match self {
            ParameterPlace::Path => "path",
            ParameterPlace::Query => "query",
            ParameterPlace::Header => "header",
            ParameterPlace::Cookie => "cookie",
            ParameterPlace::BodyField => "",
        }
    }
}

impl std::fmt::Display for ParameterPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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

/// How deep references and schemas are followed, so cycles end.
const MAX_DEPTH: usize = 8;

/// One spec file: its text (for the lines of errors) and its value,
/// upgraded to OpenAPI 3.1.
struct Document {
    text: String,
    value: Value,
}

/// Where a piece of a spec is: a file of the book, and the keys down to
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    file: String,
    keys: Vec<String>,
}

/// Reads specs once each and resolves references between them.
#[derive(Default)]
pub struct Specs {
    loaded: HashMap<String, Result<Arc<Document>, String>>,
}

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
        let root = Place::root(spec_path);
        let servers: Vec<Server> = self
            .piece(read, &root.below(&["servers"]))?
            .unwrap_or_default();
        let (item_file, item) = self
            .path_item(read, &root.below(&["paths", api_path]))?
            .ok_or_else(|| format!("the specification has no path `{api_path}`"))?;
        let operation =
            read::operation_of(&item, &method.to_ascii_lowercase()).ok_or_else(|| {
                format!(
                    "the specification has no `{}` operation on `{api_path}`",
                    method.to_ascii_uppercase()
                )
            })?;
        read::Reader::new(self, read).operation(&item_file, &item, operation, &servers)
    }

    /// The schemas `names` of the spec at `spec_path`, in the order given;
    /// a name the spec does not define is an error naming it.
    pub fn schemas(
        &mut self,
        read: &ReadFile<'_>,
        spec_path: &str,
        names: &[&str],
    ) -> Result<Vec<ApiSchema>, String> {
        let root = Place::root(spec_path);
        let defined: oas3::Map<String, Schema> = self
            .piece(read, &root.below(&["components", "schemas"]))?
            .unwrap_or_default();
        let mut reader = read::Reader::new(self, read);
        let schemas = names
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
                Ok(reader.schema(spec_path, name, schema))
            })
            .collect::<Result<Vec<_>, String>>()?;
        reader.finish(schemas)
    }

    /// The operations of the spec at `spec_path` grouped by their first
    /// tag (tags in the order the spec lists them, then as first used;
    /// untagged operations last), and its schema names.
    pub fn contents(
        &mut self,
        read: &ReadFile<'_>,
        spec_path: &str,
    ) -> Result<SpecContents, String> {
        let root = Place::root(spec_path);
        let tags: Vec<Tag> = self
            .piece(read, &root.below(&["tags"]))?
            .unwrap_or_default();
        let mut groups: Vec<TagGroup> = tags
            .into_iter()
            .map(|tag| TagGroup {
                name: tag.name,
                description: tag.description,
                operations: Vec::new(),
            })
            .collect();
        let api_paths: oas3::Map<String, IgnoredAny> = self
            .piece(read, &root.below(&["paths"]))?
            .unwrap_or_default();
        let mut untagged = Vec::new();
        for api_path in api_paths.keys() {
            let Some((_, item)) = self.path_item(read, &root.below(&["paths", api_path]))? else {
                continue;
            };
            for method in METHODS {
                let Some(operation) = read::operation_of(&item, method) else {
                    continue;
                };
                let entry = (method.to_string(), api_path.clone());
                match operation.tags.first() {
                    Some(tag) => match groups.iter_mut().find(|group| &group.name == tag) {
                        Some(group) => group.operations.push(entry),
                        None => groups.push(TagGroup {
                            name: tag.clone(),
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
        let schemas: oas3::Map<String, IgnoredAny> = self
            .piece(read, &root.below(&["components", "schemas"]))?
            .unwrap_or_default();
        Ok(SpecContents {
            groups,
            schemas: schemas.keys().cloned().collect(),
        })
    }

    /// The path item at `place`, following a `$ref` it makes, with the
    /// file it was found in.
    fn path_item(
        &mut self,
        read: &ReadFile<'_>,
        place: &Place,
    ) -> Result<Option<(String, PathItem)>, String> {
        let mut place = place.clone();
        for _ in 0..MAX_DEPTH {
            let Some(item) = self.piece::<PathItem>(read, &place)? else {
                return Ok(None);
            };
            match &item.reference {
                Some(reference) => match self.follow(read, &place.file, reference)? {
                    Some(target) => place = target,
                    None => return Ok(None),
                },
                None => return Ok(Some((place.file, item))),
            }
        }
        Ok(None)
    }

    fn load(&mut self, read: &ReadFile<'_>, path: &str) -> Result<Arc<Document>, String> {
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
                let value = upgrade::upgrade(value);
                Ok(Arc::new(Document { text, value }))
            })
            .clone()
    }

    /// The piece of a spec at `place`, read as the `oas3` type `T`; `None`
    /// when nothing is there, an error naming the line and keys where the
    /// spec is not what `T` must be.
    fn piece<T: DeserializeOwned>(
        &mut self,
        read: &ReadFile<'_>,
        place: &Place,
    ) -> Result<Option<T>, String> {
        let document = self.load(read, &place.file)?;
        let Some(value) = value_at(&document.value, &place.keys) else {
            return Ok(None);
        };
        serde_path_to_error::deserialize(value)
            .map(Some)
            .map_err(|err| broken(place, &document, &err))
    }

    /// Where `reference`, written in `file`, points: `None` for a remote
    /// one (never fetched), an error for a local one that names nothing.
    fn follow(
        &mut self,
        read: &ReadFile<'_>,
        file: &str,
        reference: &str,
    ) -> Result<Option<Place>, String> {
        let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if target.is_empty() {
            file.to_string()
        } else if paths::has_scheme(target) {
            return Ok(None);
        } else {
            let joined = paths::join(paths::parent_dir(file), target);
            if joined.clamped > 0 {
                return Err(format!(
                    "the specification `{file}` refers outside the book: `$ref: {reference}`"
                ));
            }
            joined.path
        };
        let keys = pointer_keys(pointer);
        let place = Place { file: target, keys };
        let document = self.load(read, &place.file)?;
        match value_at(&document.value, &place.keys) {
            Some(_) => Ok(Some(place)),
            None => Err(format!(
                "the specification `{file}` is broken: `$ref: {reference}` names nothing"
            )),
        }
    }
}

impl Place {
    fn root(file: &str) -> Place {
        Place {
            file: file.to_string(),
            keys: Vec::new(),
        }
    }

    fn below(&self, keys: &[&str]) -> Place {
        let mut place = self.clone();
        place.keys.extend(keys.iter().map(|key| key.to_string()));
        place
    }
}

/// The keys a JSON pointer (`/components/schemas/Agent`, percent-encoded
/// as a URI fragment) names.
fn pointer_keys(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .filter(|key| !key.is_empty())
        .map(|key| {
            let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            key.replace("~1", "/").replace("~0", "~")
        })
        .collect()
}

/// The error for a piece of a spec `oas3` cannot read: the file, the line
/// where the offending key is written (or the nearest key above it that
/// is), the key path and what was wrong.
fn broken(
    place: &Place,
    document: &Document,
    err: &serde_path_to_error::Error<serde_json::Error>,
) -> String {
    let mut keys = place.keys.clone();
    keys.extend(path_keys(err.path()));
    let mut cause = err.inner().to_string();
    // `$ref`-or-object pieces are untagged enums, whose error hides why
    // the object is wrong: read it again as what its key says it is.
    for _ in 0..MAX_DEPTH {
        if !cause.starts_with("data did not match any variant") {
            break;
        }
        let Some((below, hidden)) =
            value_at(&document.value, &keys).and_then(|value| hidden_cause(&keys, value))
        else {
            break;
        };
        keys.extend(below);
        cause = hidden;
    }
    let line = yaml::parse_with_places(&document.text)
        .ok()
        .and_then(|(_, places)| {
            (0..=keys.len()).rev().find_map(|depth| {
                let path: Vec<&str> = keys[..depth].iter().map(String::as_str).collect();
                places.key(&path).or_else(|| places.value(&path))
            })
        })
        .map(|range| line_column(&document.text, range.start).0);
    let at = match line {
        Some(line) => format!(" at its line {line}"),
        None => String::new(),
    };
    format!(
        "the specification `{}` is broken{at} (`{}`): {cause}",
        place.file,
        keys.join("."),
    )
}

fn path_keys(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

fn value_at<'v>(value: &'v Value, keys: &[String]) -> Option<&'v Value> {
    keys.iter().try_fold(value, |value, key| match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Why `value`, found at `keys`, is not the `oas3` type its place calls
/// for: the keys below it and the error, if it is an object that type
/// cannot read.
fn hidden_cause(keys: &[String], value: &Value) -> Option<(Vec<String>, String)> {
    fn read_as<T: DeserializeOwned>(value: &Value) -> Option<(Vec<String>, String)> {
        let err = serde_path_to_error::deserialize::<_, T>(value).err()?;
        Some((path_keys(err.path()), err.inner().to_string()))
    }
    if !value.is_object() || value.get("$ref").is_some() {
        return None;
    }
    let last = keys.last()?.as_str();
    let parent = keys.len().checked_sub(2).map(|i| keys[i].as_str());
    match (parent, last) {
        (Some("parameters"), _) => read_as::<Parameter>(value),
        (Some("responses"), _) => read_as::<Response>(value),
        (_, "requestBody") => read_as::<RequestBody>(value),
        (Some("examples"), _) => read_as::<Example>(value),
        (Some("headers"), _) => read_as::<Header>(value),
        (Some("properties" | "allOf" | "anyOf" | "oneOf" | "schemas" | "prefixItems"), _)
        | (_, "schema" | "items" | "additionalProperties" | "not") => {
            read_as::<ObjectSchema>(value)
        }
        _ => None,
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
        // Fields come in the spec's order, as GitBook lists them.
        assert_eq!(
            fields,
            [
                "id string true",
                "tags array of string false",
                "parent Agent false"
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
        assert_eq!(fields, ["id", "tags", "parent"], "the spec's order");
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

    #[test]
    fn a_piece_the_model_cannot_read_is_named_with_its_file_line_and_keys() {
        let spec = "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      parameters:\n        - name: q\n          in: bodyy\n      responses: {}\n";
        let read = book(&[("bad.yaml", spec)]);
        let err = Specs::default()
            .operation(&read, "bad.yaml", "/x", "get")
            .unwrap_err();
        assert!(
            err.starts_with("the specification `bad.yaml` is broken at its line 7 (`paths./x.get.parameters.0.in`): unknown variant `bodyy`"),
            "{err}"
        );
        let dangling = "openapi: 3.1.0\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Gone'}\n";
        let read = book(&[("dangling.yaml", dangling)]);
        let err = Specs::default()
            .operation(&read, "dangling.yaml", "/x", "get")
            .unwrap_err();
        assert_eq!(
            err,
            "the specification `dangling.yaml` is broken: `$ref: #/components/responses/Gone` names nothing"
        );
    }

    #[test]
    fn openapi_3_0_schemas_and_operation_parameters_as_3_x_defines_them() {
        let spec = r##"openapi: 3.0.3
paths:
  /people/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: v, in: query, schema: {type: integer}, description: from the path}
    get:
      parameters:
        - {name: v, in: query, schema: {type: integer, minimum: 1, exclusiveMinimum: true}, description: own}
        - {name: at, in: query, schema: {type: [string, integer]}}
      responses:
        "200":
          description: A person
          content:
            application/json:
              schema:
                type: object
                properties:
                  nick: {type: string, nullable: true}
                  age: {type: integer, minimum: 0, exclusiveMinimum: false}
"##;
        let read = book(&[("people.yaml", spec)]);
        let op = Specs::default()
            .operation(&read, "people.yaml", "/people/{id}", "get")
            .unwrap();
        let params: Vec<_> = op
            .parameters
            .iter()
            .map(|p| format!("{} {} {} {}", p.location, p.name, p.kind, p.description))
            .collect();
        assert_eq!(
            params,
            [
                "path id string ",
                "query v integer own",
                "query at string or integer "
            ]
        );
        let body = op.responses[0].body.as_ref().unwrap();
        let fields: Vec<_> = body
            .fields
            .iter()
            .map(|f| format!("{} {}", f.name, f.kind))
            .collect();
        assert_eq!(fields, ["nick string", "age integer"], "the spec's order");
        let example: Value = serde_json::from_str(body.example.as_deref().unwrap()).unwrap();
        assert_eq!(example, serde_json::json!({"age": 0, "nick": "text"}));
    }
}
