/** The README's contacts → companies → deals example, shared by the tests that price and run it. */
export const TREE = `{
  contacts(first: 100) {
    pageInfo { hasNextPage endCursor }
    nodes {
      firstname lastname email
      owner { firstName lastName email }
      companies(first: 5) {
        edges {
          primary
          types { category typeId label }
          node {
            name domain numberofemployees
            deals(first: 10) { nodes { dealname amount closedate stage { label probability } pipeline { label } } }
          }
        }
      }
    }
  }
}`;
