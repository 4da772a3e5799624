// SPDX-License-Identifier: MIT
// Sets with O(1) add, remove and membership test, and enumeration in insertion order until a
// removal moves the last element into the gap: the idea of OpenZeppelin's EnumerableSet, written
// for derchain without the npm package, in one implementation (Bytes32Set) that AddressSet wraps.
// Storage of a set: its values array at the set's slot, then the 1-based position mapping at the
// next slot. An AddressSet therefore occupies exactly the slots of an `address[]` followed by a
// `mapping(address => uint256)` holding index + 1: the layout the QBFT genesis generator writes
// (governance/qbftGenesis.ts).
pragma solidity 0.8.30;

library EnumerableSets {
    struct Bytes32Set {
        bytes32[] values;
        /// index + 1 of each value in `values`; 0 = absent
        mapping(bytes32 => uint256) positions;
    }

    struct AddressSet {
        Bytes32Set inner;
    }

    // ---- Bytes32Set ----

    /// @notice Adds `value` unless present.
    /// @param set the set
    /// @param value the value to add
    /// @return added true if the value was not in the set before
    function add(Bytes32Set storage set, bytes32 value) internal returns (bool added) {
        if (set.positions[value] != 0) return false;
        set.values.push(value);
        set.positions[value] = set.values.length;
        return true;
    }

    /// @notice Removes `value` if present; the last value moves into its place.
    /// @param set the set
    /// @param value the value to remove
    /// @return removed true if the value was in the set
    function remove(Bytes32Set storage set, bytes32 value) internal returns (bool removed) {
        uint256 position = set.positions[value];
        if (position == 0) return false;
        uint256 last = set.values.length;
        if (position != last) {
            bytes32 moved = set.values[last - 1];
            set.values[position - 1] = moved;
            set.positions[moved] = position;
        }
        set.values.pop();
        delete set.positions[value];
        return true;
    }

    /// @param set the set
    /// @param value the value looked for
    /// @return true if `value` is in the set
    function contains(Bytes32Set storage set, bytes32 value) internal view returns (bool) {
        return set.positions[value] != 0;
    }

    /// @param set the set
    /// @return the number of values
    function length(Bytes32Set storage set) internal view returns (uint256) {
        return set.values.length;
    }

    /// @param set the set
    /// @param index 0-based, below `length(set)`
    /// @return the value at `index`
    function at(Bytes32Set storage set, uint256 index) internal view returns (bytes32) {
        return set.values[index];
    }

    /// @param set the set
    /// @return every value (a copy in memory)
    function valuesOf(Bytes32Set storage set) internal view returns (bytes32[] memory) {
        return set.values;
    }

    // ---- AddressSet (the same slots, each address right-aligned in its word) ----

    /// @param set the set
    /// @param value the address to add
    /// @return added true if the address was not in the set before
    function add(AddressSet storage set, address value) internal returns (bool added) {
        return add(set.inner, bytes32(uint256(uint160(value))));
    }

    /// @param set the set
    /// @param value the address to remove
    /// @return removed true if the address was in the set
    function remove(AddressSet storage set, address value) internal returns (bool removed) {
        return remove(set.inner, bytes32(uint256(uint160(value))));
    }

    /// @param set the set
    /// @param value the address looked for
    /// @return true if `value` is in the set
    function contains(AddressSet storage set, address value) internal view returns (bool) {
        return contains(set.inner, bytes32(uint256(uint160(value))));
    }

    /// @param set the set
    /// @return the number of addresses
    function length(AddressSet storage set) internal view returns (uint256) {
        return set.inner.values.length;
    }

    /// @param set the set
    /// @param index 0-based, below `length(set)`
    /// @return the address at `index`
    function at(AddressSet storage set, uint256 index) internal view returns (address) {
        return address(uint160(uint256(set.inner.values[index])));
    }

    /// @param set the set
    /// @return list every address (a copy in memory)
    function valuesOf(AddressSet storage set) internal view returns (address[] memory list) {
        bytes32[] storage words = set.inner.values;
        list = new address[](words.length);
        for (uint256 i = 0; i < words.length; i++) list[i] = address(uint160(uint256(words[i])));
    }
}
