//! Upgrades a parsed spec to the OpenAPI 3.1 shape that `oas3` reads.
//!
//! Owns: the documented differences between Swagger 2.0, OpenAPI 3.0 and
//! 3.1, applied to the JSON value of one document, as `swagger2openapi`
//! does: a Swagger 2.0 document becomes a 3.1 one (servers from `host`,
//! `basePath` and `schemes`; `definitions`, global `parameters` and
//! `responses` as components; body and form parameters as request bodies;
//! response schemas and examples as content per media type), and every
//! document's schemas lose the 3.0 forms 3.1 dropped (boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, `nullable`, Swagger's `file`
//! type). Must never: read files, resolve references, or touch example
//! data (`example`, `examples`, `default`, `enum`, `const`, `x-…` values).

use serde_json::{Map, Value};

use super::METHODS;

/// `document` in the shape of OpenAPI 3.1.
pub(super) fn upgrade(document: Value) -> Value {
    let mut document = match document {
        Value::Object(map) if map.contains_key("swagger") => from_swagger2(map),
        other => other,
    };
    for_each_object(&mut document, &mut normalise_schema);
    document
}

/// Keys whose values are data, never schemas or references.
fn holds_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Calls `visit` on every object of `value`, itself included, never
/// looking inside example data.
fn for_each_object(value: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            visit(map);
            for (key, child) in map.iter_mut() {
                if !holds_data(key) {
                    for_each_object(child, visit);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| for_each_object(item, visit)),
        _ => {}
    }
}

/// Rewrites, in one object, the schema forms of 3.0 and Swagger 2.0 that
/// 3.1 spells differently.
fn normalise_schema(map: &mut Map<String, Value>) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        // 3.0: a flag on `minimum`; 3.1: the bound itself.
        if let Some(Value::Bool(flag)) = map.get(exclusive) {
            let flag = *flag;
            map.remove(exclusive);
            if flag {
                if let Some(limit) = map.remove(bound) {
                    map.insert(exclusive.to_string(), limit);
                }
            }
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), "string".into());
        map.insert("format".into(), "binary".into());
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        map.remove("nullable");
        if let Some(Value::String(kind)) = map.get("type") {
            let kind = Value::String(kind.clone());
            map.insert("type".into(), Value::Array(vec![kind, "null".into()]));
        }
    }
}

/// Points an object's `$ref` at where 3.x keeps what Swagger 2.0 kept
/// elsewhere.
fn rewrite_ref(map: &mut Map<String, Value>) {
    let Some(Value::String(reference)) = map.get_mut("$ref") else {
        return;
    };
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(name) = reference.strip_prefix(from) {
            *reference = format!("{to}{name}");
            return;
        }
    }
}

/// What a Swagger 2.0 document says for all its operations.
struct Swagger2 {
    consumes: Vec<String>,
    produces: Vec<String>,
    parameters: Map<String, Value>,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item.as_str().map(str::to_string))
        .collect()
}

fn object(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn copy_keys(from: &Map<String, Value>, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to.insert(key.to_string(), value.clone());
        }
    }
}

fn from_swagger2(mut document: Map<String, Value>) -> Value {
    let shared = Swagger2 {
        consumes: strings(document.get("consumes")),
        produces: strings(document.get("produces")),
        parameters: object(document.get("parameters")),
    };
    let mut upgraded = Map::new();
    upgraded.insert("openapi".into(), "3.1.0".into());
    copy_keys(
        &document,
        &mut upgraded,
        &["info", "tags", "security", "externalDocs"],
    );
    if let Some(server) = server_url(&document) {
        upgraded.insert("servers".into(), serde_json::json!([{ "url": server }]));
    }
    let mut components = Map::new();
    if let Some(definitions) = document.get("definitions") {
        components.insert("schemas".into(), definitions.clone());
        // Kept too, for other files' `spec.json#/definitions/…` pointers.
        upgraded.insert("definitions".into(), definitions.clone());
    }
    let parameters: Map<String, Value> = shared
        .parameters
        .iter()
        .filter(|(_, parameter)| !is_body_or_form(parameter))
        .map(|(name, parameter)| (name.clone(), parameter_of(parameter)))
        .collect();
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    let responses: Map<String, Value> = object(document.get("responses"))
        .into_iter()
        .map(|(name, response)| (name, response_of(&response, &shared.produces)))
        .collect();
    if !responses.is_empty() {
        components.insert("responses".into(), Value::Object(responses));
    }
    if !components.is_empty() {
        upgraded.insert("components".into(), Value::Object(components));
    }
    let paths: Map<String, Value> = object(document.remove("paths").as_ref())
        .into_iter()
        .map(|(path, item)| (path, path_item_of(item, &shared)))
        .collect();
    upgraded.insert("paths".into(), Value::Object(paths));
    let mut upgraded = Value::Object(upgraded);
    for_each_object(&mut upgraded, &mut rewrite_ref);
    upgraded
}

/// `scheme://host/basePath` from the first scheme (`https` if none).
fn server_url(document: &Map<String, Value>) -> Option<String> {
    let host = document.get("host")?.as_str()?.trim();
    if host.is_empty() {
        return None;
    }
    let scheme = strings(document.get("schemes"))
        .into_iter()
        .next()
        .unwrap_or_else(|| "https".into());
    let base = document
        .get("basePath")
        .and_then(Value::as_str)
        .unwrap_or("");
    Some(format!("{scheme}://{host}{base}"))
}

fn is_body_or_form(parameter: &Value) -> bool {
    matches!(
        parameter.get("in").and_then(Value::as_str),
        Some("body" | "formData")
    )
}

/// The keys of a Swagger 2.0 parameter that describe its value, which 3.x
/// keeps under `schema`.
const SCHEMA_KEYS: [&str; 16] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
];

fn schema_of_parameter(parameter: &Map<String, Value>) -> Map<String, Value> {
    let mut schema = Map::new();
    copy_keys(parameter, &mut schema, &SCHEMA_KEYS);
    schema
}

/// A path, query or header parameter in 3.x form.
fn parameter_of(parameter: &Value) -> Value {
    let Some(parameter) = parameter.as_object() else {
        return parameter.clone();
    };
    if parameter.contains_key("$ref") {
        return Value::Object(parameter.clone());
    }
    let mut upgraded = Map::new();
    copy_keys(
        parameter,
        &mut upgraded,
        &["name", "in", "description", "required"],
    );
    if let Some(example) = parameter.get("x-example") {
        upgraded.insert("example".into(), example.clone());
    }
    upgraded.insert(
        "schema".into(),
        Value::Object(schema_of_parameter(parameter)),
    );
    Value::Object(upgraded)
}

fn path_item_of(item: Value, shared: &Swagger2) -> Value {
    let Value::Object(item) = item else {
        return item;
    };
    if item.contains_key("$ref") {
        return Value::Object(item);
    }
    let path_parameters: Vec<Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut upgraded = Map::new();
    copy_keys(&item, &mut upgraded, &["summary", "description"]);
    for method in METHODS {
        if let Some(operation) = item.get(method).and_then(Value::as_object) {
            upgraded.insert(
                method.to_string(),
                operation_of(operation, &path_parameters, shared),
            );
        }
    }
    Value::Object(upgraded)
}

/// A parameter as written, or the shared one a `#/parameters/…` names.
fn followed<'a>(parameter: &'a Value, shared: &'a Swagger2) -> &'a Value {
    parameter
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/parameters/"))
        .and_then(|name| shared.parameters.get(name))
        .unwrap_or(parameter)
}

/// Where a parameter is and what it is called, so an operation's own
/// parameter replaces the path's of the same name.
fn parameter_key(parameter: &Value) -> (String, String) {
    let field = |key| {
        parameter
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (field("in"), field("name"))
}

fn operation_of(
    operation: &Map<String, Value>,
    path_parameters: &[Value],
    shared: &Swagger2,
) -> Value {
    let own: Vec<Value> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let own_keys: Vec<(String, String)> = own
        .iter()
        .map(|parameter| parameter_key(followed(parameter, shared)))
        .collect();
    let inherited = path_parameters
        .iter()
        .filter(|parameter| !own_keys.contains(&parameter_key(followed(parameter, shared))));
    let consumes = match strings(operation.get("consumes")) {
        list if !list.is_empty() => list,
        _ => shared.consumes.clone(),
    };
    let produces = match strings(operation.get("produces")) {
        list if !list.is_empty() => list,
        _ => shared.produces.clone(),
    };
    let mut parameters = Vec::new();
    let mut body = None;
    let mut form = Vec::new();
    for parameter in inherited.chain(own.iter()) {
        let target = followed(parameter, shared);
        match target.get("in").and_then(Value::as_str) {
            Some("body") => body = Some(body_of(target, &consumes)),
            Some("formData") => form.extend(target.as_object().cloned()),
            _ => parameters.push(parameter_of(parameter)),
        }
    }
    let mut upgraded = Map::new();
    copy_keys(
        operation,
        &mut upgraded,
        &[
            "tags",
            "summary",
            "description",
            "operationId",
            "deprecated",
            "security",
            "externalDocs",
        ],
    );
    if !parameters.is_empty() {
        upgraded.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = body.or_else(|| (!form.is_empty()).then(|| form_body_of(&form, &consumes)))
    {
        upgraded.insert("requestBody".into(), body);
    }
    let responses: Map<String, Value> = object(operation.get("responses"))
        .into_iter()
        .map(|(status, response)| (status, response_of(&response, &produces)))
        .collect();
    upgraded.insert("responses".into(), Value::Object(responses));
    Value::Object(upgraded)
}

/// Media types for a body: the ones given, else JSON.
fn media_types(given: &[String]) -> Vec<String> {
    match given.is_empty() {
        true => vec!["application/json".into()],
        false => given.to_vec(),
    }
}

/// A `body` parameter as a 3.x request body.
fn body_of(parameter: &Value, consumes: &[String]) -> Value {
    let mut content = Map::new();
    for media_type in media_types(consumes) {
        let mut media = Map::new();
        if let Some(schema) = parameter.get("schema") {
            media.insert("schema".into(), schema.clone());
        }
        content.insert(media_type, Value::Object(media));
    }
    let mut body = Map::new();
    if let Some(parameter) = parameter.as_object() {
        copy_keys(parameter, &mut body, &["description", "required"]);
    }
    body.insert("content".into(), Value::Object(content));
    Value::Object(body)
}

/// `formData` parameters as one object schema, sent as a form.
fn form_body_of(fields: &[Map<String, Value>], consumes: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let name = field.get("name").and_then(Value::as_str).unwrap_or("");
        let mut schema = schema_of_parameter(field);
        copy_keys(field, &mut schema, &["description"]);
        properties.insert(name.to_string(), Value::Object(schema));
        if field.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_string()));
        }
    }
    let has_file = fields
        .iter()
        .any(|field| field.get("type").and_then(Value::as_str) == Some("file"));
    let mut forms: Vec<String> = consumes
        .iter()
        .filter(|media_type| media_type.contains("form"))
        .cloned()
        .collect();
    if forms.is_empty() {
        forms.push(match has_file {
            true => "multipart/form-data".into(),
            false => "application/x-www-form-urlencoded".into(),
        });
    }
    let schema = serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
    });
    let content: Map<String, Value> = forms
        .into_iter()
        .map(|media_type| (media_type, serde_json::json!({ "schema": schema })))
        .collect();
    serde_json::json!({ "content": content })
}

/// A response in 3.x form: its schema and examples per media type.
fn response_of(response: &Value, produces: &[String]) -> Value {
    let Some(response) = response.as_object() else {
        return response.clone();
    };
    if response.contains_key("$ref") {
        return Value::Object(response.clone());
    }
    let mut upgraded = Map::new();
    upgraded.insert(
        "description".into(),
        response
            .get("description")
            .cloned()
            .unwrap_or_else(|| "".into()),
    );
    let examples = object(response.get("examples"));
    let schema = response.get("schema");
    if schema.is_some() || !examples.is_empty() {
        let mut content = Map::new();
        for media_type in media_types(produces) {
            let mut media = Map::new();
            if let Some(schema) = schema {
                media.insert("schema".into(), schema.clone());
            }
            let example = examples
                .get(&media_type)
                .or_else(|| examples.values().next());
            if let Some(example) = example {
                media.insert("example".into(), example.clone());
            }
            content.insert(media_type, Value::Object(media));
        }
        upgraded.insert("content".into(), Value::Object(content));
    }
    Value::Object(upgraded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn swagger_2_becomes_openapi_3_1() {
        let spec = json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1"},
            "host": "api.example.org", "basePath": "/v2", "schemes": ["http", "https"],
            "consumes": ["application/json"], "produces": ["application/json"],
            "definitions": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}}},
            "parameters": {"Trace": {"name": "X-Trace", "in": "header", "type": "string", "format": "uuid"}},
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"},
                               {"name": "v", "in": "query", "type": "integer"}],
                "put": {
                    "parameters": [{"in": "body", "name": "pet", "required": true, "schema": {"$ref": "#/definitions/Pet"}},
                                   {"$ref": "#/parameters/Trace"},
                                   {"name": "v", "in": "query", "type": "string", "description": "own"}],
                    "responses": {"200": {"description": "Done", "schema": {"$ref": "#/definitions/Pet"},
                                          "examples": {"application/json": {"name": "Rex"}}},
                                  "404": {"description": "Gone"}}
                },
                "post": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{"in": "formData", "name": "photo", "type": "file", "required": true},
                                   {"in": "formData", "name": "note", "type": "string"}],
                    "responses": {}
                }
            }}
        });
        let upgraded = upgrade(spec);
        assert_eq!(upgraded["openapi"], "3.1.0");
        assert_eq!(
            upgraded["servers"],
            json!([{"url": "http://api.example.org/v2"}])
        );
        assert_eq!(
            upgraded["components"]["schemas"]["Pet"]["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(
            upgraded["components"]["parameters"]["Trace"]["schema"],
            json!({"type": "string", "format": "uuid"})
        );
        let put = &upgraded["paths"]["/pets/{id}"]["put"];
        let parameters: Vec<String> = put["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p.get("$ref")
                    .or(p.get("name"))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(parameters, ["id", "#/components/parameters/Trace", "v"]);
        assert_eq!(put["parameters"][2]["description"], "own");
        assert_eq!(put["parameters"][0]["schema"], json!({"type": "string"}));
        assert_eq!(put["requestBody"]["required"], true);
        assert_eq!(
            put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        let ok = &put["responses"]["200"]["content"]["application/json"];
        assert_eq!(ok["example"], json!({"name": "Rex"}));
        assert_eq!(put["responses"]["404"], json!({"description": "Gone"}));
        let form = &upgraded["paths"]["/pets/{id}"]["post"]["requestBody"]["content"]
            ["multipart/form-data"]["schema"];
        assert_eq!(
            form["properties"]["photo"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(form["required"], json!(["photo"]));
    }

    #[test]
    fn openapi_3_0_schema_forms_become_3_1_and_examples_are_left_alone() {
        let spec = json!({
            "openapi": "3.0.3",
            "components": {"schemas": {"Age": {
                "type": "integer", "minimum": 0, "exclusiveMinimum": true,
                "maximum": 150, "exclusiveMaximum": false, "nullable": true,
                "example": {"type": "file", "nullable": true, "exclusiveMinimum": true},
                "x-note": {"exclusiveMaximum": true}
            }}}
        });
        let upgraded = upgrade(spec);
        let age = &upgraded["components"]["schemas"]["Age"];
        assert_eq!(age["exclusiveMinimum"], 0);
        assert!(age.get("minimum").is_none());
        assert_eq!(age["maximum"], 150);
        assert!(age.get("exclusiveMaximum").is_none());
        assert_eq!(age["type"], json!(["integer", "null"]));
        assert_eq!(
            age["example"],
            json!({"type": "file", "nullable": true, "exclusiveMinimum": true})
        );
        assert_eq!(age["x-note"], json!({"exclusiveMaximum": true}));
    }
}
