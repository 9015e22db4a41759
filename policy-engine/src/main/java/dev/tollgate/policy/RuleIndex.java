package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rules that could apply to an action on a path without looking at the others: a trie on the literal
 * beginning of each rule's resource pattern, one per action (plus one for rules of any action). Lookup cost grows with
 * the depth of the path and the rules sharing its prefix — not with the number of rules in the tenant.
 */
final class RuleIndex {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<Rule> rules = new ArrayList<>(2);
    }

    private final Map<String, Node> byAction = new HashMap<>();
    private final Node anyAction = new Node();

    RuleIndex(List<Rule> rules) {
        for (Rule rule : rules) {
            if (rule.actions().isEmpty()) {
                file(anyAction, rule);
            } else {
                for (String action : rule.actions()) {
                    file(byAction.computeIfAbsent(action, a -> new Node()), rule);
                }
            }
        }
    }

    private static void file(Node root, Rule rule) {
        Node node = root;
        for (String segment : rule.resource().literalPrefix()) {
            node = node.children.computeIfAbsent(segment, s -> new Node());
        }
        node.rules.add(rule);
    }

    /** Rules whose action and literal resource prefix fit; the caller still matches each fully. */
    List<Rule> candidates(String action, String[] path) {
        List<Rule> out = new ArrayList<>(4);
        Node root = byAction.get(action);
        if (root != null) {
            collect(root, path, out);
        }
        collect(anyAction, path, out);
        return out;
    }

    private static void collect(Node root, String[] path, List<Rule> out) {
        Node node = root;
        take(node, out);
        for (String segment : path) {
            node = node.children.get(segment);
            if (node == null) {
                return;
            }
            take(node, out);
        }
    }

    // Element by element: addAll would copy each node's list into a fresh array first, even an empty one.
    private static void take(Node node, List<Rule> out) {
        List<Rule> rules = node.rules;
        for (int i = 0; i < rules.size(); i++) {
            out.add(rules.get(i));
        }
    }
}
