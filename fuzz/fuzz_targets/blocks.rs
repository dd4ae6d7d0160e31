//! The block-tag splitter: never panics, and every range it returns lies on
//! character boundaries of the body.
#![no_main]

use folio::parse::blocks::{split_blocks, Node};
use libfuzzer_sys::fuzz_target;

fn check(body: &str, nodes: &[Node]) {
    for node in nodes {
        match node {
            Node::Markdown(range) => assert!(body.get(range.clone()).is_some()),
            Node::Tag(tag) => {
                assert!(body.get(tag.tag.range.clone()).is_some());
                for (_, _, range) in &tag.tag.attrs {
                    assert!(body.get(range.clone()).is_some());
                }
                check(body, &tag.children);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let (nodes, problems) = split_blocks(&body);
    check(&body, &nodes);
    for problem in problems {
        assert!(body.get(problem.range).is_some());
    }
});
