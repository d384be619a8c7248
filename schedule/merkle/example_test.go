package merkle_test

import (
	"fmt"

	"github.com/firedraw/firedraw/schedule/merkle"
)

func Example() {
	var log merkle.Tree
	for _, e := range []string{"manifest", "commitment A", "commitment B"} {
		log.Append(merkle.LeafHash([]byte(e)))
	}
	oldSize, oldRoot := log.Size(), log.Root()
	log.Append(merkle.LeafHash([]byte("reveal A")))
	log.Append(merkle.LeafHash([]byte("reveal B")))

	// A mirror that saw the log at 3 entries checks that it only grew.
	proof, _ := log.ConsistencyProof(oldSize, log.Size())
	fmt.Println("consistent:", merkle.VerifyConsistency(oldSize, log.Size(), oldRoot, log.Root(), proof) == nil)

	// A reader checks that "commitment B" is entry 2.
	path, _ := log.InclusionProof(2, log.Size())
	err := merkle.VerifyInclusion(merkle.LeafHash([]byte("commitment B")), 2, log.Size(), path, log.Root())
	fmt.Println("included:", err == nil, "path length:", len(path))
	// Output:
	// consistent: true
	// included: true path length: 3
}

func ExampleRoot() {
	// RFC 9162's empty tree and a one-leaf tree.
	fmt.Println(merkle.Root(nil))
	fmt.Println(merkle.Root([]merkle.Hash{merkle.LeafHash(nil)}))
	// Output:
	// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	// 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
}
