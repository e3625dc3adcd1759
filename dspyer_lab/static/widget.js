var C,$t,Cn,J,qe,ge,ft,_e,ht,ze,Fe,An,re=Symbol.for("pv"),ve={},ye=[],Tn=/^m(i|n|o|s|text|space)$/,Ue=Array.isArray,He=ye.slice,ee=Object.assign;function Z(e){e&&e.parentNode&&e.remove()}function M(e,t,n){var s,a,o,r={},l=arguments.length;for(o in t)o=="key"?s=t[o]:o=="ref"&&typeof e!="function"?a=t[o]:r[o]=t[o];return l>2&&(r.children=l>3?He.call(arguments,2):n),oe(e,r,s,a,null)}function oe(e,t,n,s,a){var o={type:e,props:t,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:re,__v:a||++$t,__i:-1,__u:0};return!a&&C.vnode&&C.vnode(o),o}function ke(e){return e.children}function be(e,t){this.props=e,this.context=t,this.__g=0}function X(e,t){if(t==null)return e.__&&X(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!="function"||e.props.__P?null:X(e)}function Mn(e){var t,n=e.__v,s=n.__e,a=[],o=[],r=e.__P;r&&((t=ee({constructor:re},n)).__v=n.__v+1,C.vnode&&C.vnode(t),We(r,t,n,e.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||X(n),32&n.__u,o),t.__v=n.__v,t.__.__k[t.__i]=t,yt(a,t,o),n.__=n.__e=null,t.__e!=s&&_t(t))}function _t(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),_t(e)}function ut(e){(8&e.__g||(e.__g|=8,J.push(e),ge++))&&qe==C.debounceRendering||((qe=C.debounceRendering)||queueMicrotask)(bt)}function bt(){try{for(var e,t=1;J.length;)J.length>t&&J.sort(ft),e=J.shift(),t=J.length,8&e.__g&&Mn(e)}finally{(ge=J.length)&&(qe||queueMicrotask)(bt)}}function mt(e,t,n,s,a,o,r,l,i,c,d){var u,$,p,b,y,v,m=s.__k||ye,f=t.length;for(i=Pn(n,t,m,i,f),u=0;u<f;u++)(p=n.__k[u])!=null&&($=~p.__i&&m[p.__i]||ve,p.__i=u,v=We(e,p,$,a,o,r,l,i,c,d),b=p.__e,($.ref!=p.ref||8&$.__u)&&($.ref&&Ge($.ref,null,p,$),p.ref&&d.push(p.ref,p.__c||b,p)),y=y||b,4&p.__u?(i=gt(p,i,e,!$.__v),$.__e&&($.__e=null)):typeof p.type=="function"&&v!==void 0?i=v:b&&(i=b.nextSibling),p.__u&=-21);return n.__e=y,i}function Pn(e,t,n,s,a){var o,r,l,i,c,d,u,$,p,b=n.length,y=b,v=0,m=0,f=e.__k=Array(a);for(o=0;o<a;o++)(r=t[o])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=f[o]=oe(null,r):Ue(r)?r=f[o]=oe(ke,{children:r}):r.constructor===re&&r.__b?r=f[o]=oe(r.type,r.props,r.key,r.ref,r.__v):f[o]=r,i=o+v,r.__=e,r.__b=e.__b+1,l=null,~(c=r.__i=jn(r,n,i,y))&&(y--,(l=n[c])&&(l.__u|=2)),l&&l.__v?(r.__u|=16,c==i-1?v--:c==i+1?v++:c!=i&&(c>i?v--:v++,m=1)):(~c||(a>b?v--:a<b&&v++),typeof r.type!="function"&&(r.__u|=4))):f[o]=null;if(m){for(d=[],u=[],o=0;o<a;o++)if((r=f[o])&&16&r.__u){for(v=0,$=d.length;v<$;)d[p=v+$>>1]<r.__i?v=p+1:$=p;d[v]=r.__i,u[o]=v+1}for(v=d.length;o--;)u[o]&&(u[o]==v?v--:f[o].__u|=4)}if(y)for(o=0;o<b;o++)!(l=n[o])||2&l.__u||(l.__e==s&&(s=X(l)),Ke(l,l));return s}function gt(e,t,n,s){var a,o,r,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&(a[o].__=e,t=gt(a[o],t,n,!1));return t}for(t&&!t.parentNode&&(t=X(e))&&!t.parentNode&&(t=null),r=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(r!=l&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,t):n.insertBefore(r,t||null)),t=r;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function jn(e,t,n,s){var a,o=e.key,r=e.type,l=t[n],i=l&&!(2&l.__u);if(l===null&&o==null||i&&o==l.key&&r==l.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a;for(a=n+1;a<t.length;a++)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a}return-1}function pt(e,t,n){n==null&&(n=""),t[0]=="-"?e.setProperty(t,n):e[t]=n}function he(e,t,n,s,a){var o,r;if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(t in s)n&&t in n||pt(e.style,t);if(n)for(t in n)s&&n[t]==s[t]||pt(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(e.__e||(e.__e={}))[t]=n,n&&s||(r=Fe[t]||(Fe[t]=En(t)),(e.__a||(e.__a={}))[t]=ze,o=t!=(t=t.replace(ht,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),n?e.addEventListener(t,r,o):e.removeEventListener(t,r,o));else{if(a=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n)}}function En(e){return function(t){var n=this.__e;if(n){if(n=n[e],t[_e]==null)t[_e]=ze++;else if(t[_e]<this.__a[e])return;return n(C.event?C.event(t):t)}}}function We(e,t,n,s,a,o,r,l,i,c){var d,u,$,p,b,y,v,m,f,h,g,R,q,T,U,fe,V,Q,K=t.type;if(t.constructor!==re)return null;128&n.__u&&(i=32&n.__u,d=n.__c.__z)&&(t.__u|=i,u=o=[],d.nodeType==8?l=me(d,o):o.push(d),l=o[0]||l),(d=C.__b)&&d(t);e:if(typeof K=="function"){$=r.length;try{if(m=t.props,f=(d=K.prototype)&&d.render,h=(d=K.contextType)&&s[d.__c],g=d?h?h.props.value:d.__:s,(p=n.__c)?(t.__c=p,2&p.__g&&(p.__g|=1)):(f?t.__c=p=new K(m,g):(t.__c=p=new be(m,g),p.constructor=K,p.render=Bn),h&&h.sub(p),p.state||(p.state={}),p.__n=s,p.__g|=8,p.__h=[],p.__k=[]),f&&(p.__s||(p.__s=p.state),K.getDerivedStateFromProps&&(p.__s==p.state&&(p.__s=ee({},p.__s)),ee(p.__s,K.getDerivedStateFromProps(m,p.__s)))),b=p.props,y=p.state,p.__v=t,n.__c){if(m!==b&&f&&!K.getDerivedStateFromProps&&p.componentWillReceiveProps&&p.componentWillReceiveProps(m,g),t.__v==n.__v&&!(8&p.__g)||!(4&p.__g)&&p.shouldComponentUpdate&&p.shouldComponentUpdate(m,p.__s,g)===!1){t.__v!=n.__v&&(p.props=m,p.state=p.__s,p.__g&=-9),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(H){H&&(H.__=t)}),ye.push.apply(p.__h,p.__k),p.__k=[],p.__h.length&&r.push(p),l=X(n);break e}p.componentWillUpdate&&p.componentWillUpdate(m,p.__s,g),f&&p.componentDidUpdate&&p.__h.push(function(){p.componentDidUpdate(b,y,v)})}else f&&!K.getDerivedStateFromProps&&p.componentWillMount&&p.componentWillMount(),f&&p.componentDidMount&&p.__h.push(p.componentDidMount);p.context=g,p.props=m,p.__P=e,p.__g&=-5,R=C.__r,q=f?25:0;do p.__g&=-9,R&&R(t),d=p.render(p.props,p.state=p.__s,p.context);while(8&p.__g&&++q<25);f&&(ye.push.apply(p.__h,p.__k),p.__k=[]),p.state=p.__s,p.getChildContext&&(s=ee({},s,p.getChildContext())),f&&n.__c&&p.getSnapshotBeforeUpdate&&(v=p.getSnapshotBeforeUpdate(b,y)),T=d&&d.type===ke&&d.key==null?d.props.children:d,m.__P&&(d=l,a=(e=m.__P).namespaceURI,i=o=null,n.props&&n.props.__P!=e&&(n.__k.some(function(H){H&&Ke(H,H)}),n.__k=null),l=n.__k?X(n,0):null),l=mt(e,Ue(T)?T:[T],t,n,s,a,o,r,l,i,c),m.__P&&(t.__e=null,l=d),t.__u&=-161,u&&u.some(Z),p.__h.length&&r.push(p),1&p.__g&&(p.__g&=-4)}catch(H){if(r.length=$,t.__v=null,i||o)if(H&&H.then){if(t.__u|=128|i,o){for(~(V=o.indexOf(l||void 0))||(V=o.length);(Q=o[V-1])&&Q.nodeType==8;)V--;for(;V<o.length;V++)if(Q=o[V])if(o[V]=null,U){if(Q==fe)break}else{if(Q.nodeType!=8)break;Q.data.startsWith("$s")&&(fe=me(U=Q))}}if(!U){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;U=l}(d=me(U=t.__c.__z||(t.__c.__z=U)))?(t.__e=U,l=d):t.__e=l,l=l&&l.nextSibling}else o&&o.some(Z);else t.__e=n.__e;t.__k||(t.__k=n.__k||[]),H&&H.then||vt(t),C.__e(H,t,n)}}else l=t.__e=On(n.__e,t,n,s,a,o,r,i,c,e);return(d=C.diffed)&&d(t),l}function me(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))n++;else if(e.data.startsWith("/$s")&&!--n)return e}t&&t.push(e)}}function vt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(vt))}function yt(e,t,n){for(var s=0;s<n.length;)Ge(n[s++],n[s++],n[s++]);C.__c&&C.__c(t,e),e.some(function(a){try{e=a.__h,a.__h=[],e.some(function(o){o.call(a)})}catch(o){C.__e(o,a.__v)}})}function On(e,t,n,s,a,o,r,l,i,c){var d,u,$,p,b,y,v,m,f=n.props||ve,h=t.props,g=t.type;if(g=="svg"?a="http://www.w3.org/2000/svg":g=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),o){for(d=0;d<o.length;d++)if((b=o[d])&&(g?b.localName==g:b.nodeType==3)){e=b,o[d]=null;break}}if(!e){if(m=c.ownerDocument||document,!g)return m.createTextNode(h);e=m.createElementNS(a,g,h.is?h:c),l&&(C.__m&&C.__m(t,o),l=!1),o=null}if(g){if(c=g=="template"&&e.content||e,o=g=="textarea"&&h.defaultValue!=null?null:o&&He.call(c.childNodes),!l&&o)for(f={},d=0;d<e.attributes.length;d++)f[(b=e.attributes[d]).name]=b.value;for(d in f)b=f[d],d=="dangerouslySetInnerHTML"?$=b:d=="children"||d in h||d=="value"&&"defaultValue"in h||d=="checked"&&"defaultChecked"in h||he(e,d,null,b,a);for(d in h)b=h[d],d=="children"?p=b:d=="dangerouslySetInnerHTML"?u=b:d=="value"?y=b:d=="checked"?v=b:l&&typeof b!="function"||f[d]===b||he(e,d,b,f[d],a);u?(l||$&&(u.__html==$.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):($&&(e.textContent=""),(g=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&Tn.test(g))&&(a="http://www.w3.org/1999/xhtml"),mt(c,Ue(p)?p:[p],t,n,s,a,o,r,o?o[0]:n.__k&&X(n,0),l,i),o&&o.some(Z)),l&&g!="textarea"||(d="value",g=="progress"&&y==null?e.removeAttribute(d):y==null||y===e[d]&&(g!="progress"||y)||he(e,d,y,f[d],a),d="checked",v!=null&&v!=e[d]&&he(e,d,v,f[d],a))}else f===h||l&&e.data==h||(e.data=h);return e}function Ge(e,t,n,s){try{typeof e=="function"?t?t.__x=e(t)||1:s&&(s=s.__c||s.__e)&&(t=s.__x)&&(s.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(a){C.__e(a,n)}}function Ke(e,t,n){var s,a,o,r;if(C.unmount&&C.unmount(e),!(s=e.ref)||s.current&&s.current!=e.__e||Ge(s,null,t,e),s=e.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(l){C.__e(l,t)}s.__P=s.__n=null}if(s=e.__k)for(r=0;r<s.length;r++)s[r]&&Ke(s[r],t,typeof e.type!="function"||n&&!e.props.__P);!n&&(s=e.__c)&&(s=s.__z)&&(a=me(s,o=[]))&&(s==e.__e&&o.some(Z),Z(a),Z(s)),n||Z(e.__e),e.__e=e.__c=e.__=null}function Bn(e,t,n){return this.constructor(e,n)}function Ve(e,t){var n,s,a,o;C.__&&C.__(e,t),t.nodeType==9&&(t=t.documentElement),s=(n=e&&32&e.__u)?null:t.__k,t.__k=oe(ke,{children:[e]}),a=[],o=[],We(t,t.__k,s||ve,ve,t.namespaceURI,s?null:t.firstChild?He.call(t.childNodes):null,a,s?s.__e:t.firstChild,n,o),yt(a,t.__k,o),t.__k.props.children=null}C={__e:function(e,t,n,s){for(var a,o,r;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(l){e=l}}throw ge=0,e}},$t=0,Cn=function(e){return e!=null&&e.constructor===re},be.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=ee({},this.state)),typeof e=="function"&&(e=e(ee({},n),this.props)),e&&(ee(n,e),this.__v&&(t&&this.__k.push(t),ut(this)))},be.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),ut(this))},be.prototype.render=ke,J=[],ge=0,ft=function(e,t){return e.__v.__b-t.__v.__b},_e=Symbol(),ht=/(PointerCapture)$|Capture$/i,ze=0,Fe={},An=0;var ne,N,Je,kt,Xe=Object.is,xe=0,jt=[],Ye=[],O=C,xt=O.__b,wt=O.__r,St=O.diffed,Ct=O.__c,At=O.unmount,Tt=O.__;function we(e,t){O.__h&&O.__h(N,e,xe||t),xe=0;var n=N.__H||(N.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function w(e){return xe=1,Nn(Et,e)}function Nn(e,t,n){var s=we(ne++,2);if(s.t=e,!s.__c&&(s.__=[n?n(t):Et(void 0,t),function(o){var r=(s.__N||s.__)[0],l=s.t(r,o);Xe(r,l)||(s.__N=[l,s.__[1]],s.__c.setState({}))}],s.__c=N,!N.__f)){N.__f=!0;var a=N.shouldComponentUpdate;N.shouldComponentUpdate=function(o,r,l){var i=this.__H;if(!i)return!0;var c=!1,d=this.props!=o;if(i.__.some(function($){$.__N&&(c=!0,Xe($.__[0],$.__N[0])||(d=!0))}),a){var u=a.call(this,o,r,l);return c?u||d:u}return!c||d}}return s.__}function L(e,t){var n=we(ne++,3);!O.__s&&Ze(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,N.__H.__h.push(n))}function Y(e,t){var n=we(ne++,4);!O.__s&&Ze(n.__H,t)&&(n.__P=!1,n.__=e,n.u=t,N.__h.push(n))}function F(e){return xe=5,A(function(){return{current:e}},[])}function A(e,t){var n=we(ne++,7);return Ze(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Dn(){var e;do{for(;e=Ye.shift();)try{ie(e)}catch(n){O.__e(n,{__:(e=e.__P)&&e.__v})}for(;e=jt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(ie),t.__h.some(Qe),t.__h=[]}catch(n){t.__h=[],O.__e(n,e.__v)}}}while(Ye.length)}O.__b=function(e){N=null,xt&&xt(e)},O.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Tt&&Tt(e,t)},O.__r=function(e){wt&&wt(e),ne=0;var t=(N=e.__c).__H;t&&(Je==N?N.__h=[]:(t.__h.some(ie),t.__h.some(Qe),ne=0),t.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Je=N},O.diffed=function(e){St&&St(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Pt(jt.push(t)),t.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Je=N=null},O.__c=function(e,t){t.some(function(n){try{n.__h.some(ie),n.__h=n.__h.filter(function(s){return!s.__||Qe(s)})}catch(s){n.__h=[function(){throw s}]}}),Ct&&Ct(e,t)},O.unmount=function(e){At&&At(e);var t,n,s=e.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,Pt(Ye.push(a))}else ie(a)}catch(o){t=o}}),s.__H=void 0,t&&O.__e(t,s.__v))};var Mt=typeof requestAnimationFrame=="function";function Rn(e){var t,n=function(){clearTimeout(s),Mt&&cancelAnimationFrame(t),setTimeout(e)},s=setTimeout(n,35);Mt&&(t=requestAnimationFrame(n))}function Pt(e){e!=1&&kt==O.requestAnimationFrame||((kt=O.requestAnimationFrame)||Rn)(Dn)}function ie(e){var t=N,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),N=t}function Qe(e){var t=N;e.__c=e.__(),N=t}function Ze(e,t){return!e||e.length!=t.length||t.some(function(n,s){return!Xe(n,e[s])})}function Et(e,t){return typeof t=="function"?t(e):t}var Bt=function(e,t,n,s){var a;t[0]=0;for(var o=1;o<t.length;o++){var r=t[o++],l=t[o]?(t[0]|=r?1:2,n[t[o++]]):t[++o];r===3?s[0]=l:r===4?s[1]=Object.assign(s[1]||{},l):r===5?(s[1]=s[1]||{})[t[++o]]=l:r===6?s[1][t[++o]]+=l+"":r?(a=e.apply(l,Bt(e,l,n,["",null])),s.push(a),l[0]?t[0]|=2:(t[o-2]=0,t[o]=a)):s.push(l)}return s},Ot=new Map;function P(e){var t=Ot.get(this);return t||(t=new Map,Ot.set(this,t)),(t=Bt(this,t.get(e)||(t.set(e,t=(function(n){for(var s,a,o=1,r="",l="",i=[0],c=function($){o===1&&($||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,$,r):o===3&&($||r)?(i.push(3,$,r),o=2):o===2&&r==="..."&&$?i.push(4,$,0):o===2&&r&&!$?i.push(5,0,!0,r):o>=5&&((r||!$&&o===5)&&(i.push(o,0,r,a),o=6),$&&(i.push(o,$,0,a),o=6)),r=""},d=0;d<n.length;d++){d&&(o===1&&c(),c(d));for(var u=0;u<n[d].length;u++)s=n[d][u],o===1?s==="<"?(c(),i=[i],o=3):r+=s:o===4?r==="--"&&s===">"?(o=1,r=""):r=s+r[0]:l?s===l?l="":r+=s:s==='"'||s==="'"?l=s:s===">"?(c(),o=1):o&&(s==="="?(o=5,a=r,r=""):s==="/"&&(o<5||n[d][u+1]===">")?(c(),o===3&&(i=i[0]),o=i,(i=i[0]).push(2,0,o),o=0):s===" "||s==="	"||s===`
`||s==="\r"?(c(),o=2):r+=s),o===3&&r==="!--"&&(o=4,i=i[0])}return c(),i})(e)),t),arguments,[])).length>1?t:t[0]}var Se=Symbol.for("dspyer-lab.viz"),Ce=Symbol.for("dspyer-lab.viz.pending"),et=3e3;function Ln(e){let t=URL.createObjectURL(new Blob([e],{type:"text/javascript"}));return import(t).finally(()=>URL.revokeObjectURL(t))}function In(){let e={askedAt:-1/0,asked:new WeakSet,settled:!1};return e.promise=new Promise((t,n)=>{e.resolve=t,e.reject=n}),e.promise.then(()=>{e.settled=!0},()=>{e.settled=!0,globalThis[Se]===e.promise&&(delete globalThis[Se],delete globalThis[Ce])}),globalThis[Se]=e.promise,globalThis[Ce]=e,e}function qn(e,t){t.asked.add(e),t.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(e.off("msg:custom",n),t.settled))return;let o=a&&a[0];if(!o){t.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}Ln(o).then(r=>r.instance()).then(t.resolve,t.reject)}e.on("msg:custom",n);try{e.send({type:"need-runtime"})}catch{}}function Nt(){let e=globalThis[Ce];return!e||!e.settled}function tt(e){let t=globalThis[Ce];return(!globalThis[Se]||!t)&&(t=In()),!t.settled&&!t.asked.has(e)&&Date.now()-t.askedAt>et&&qn(e,t),t.promise}var Fn="http://www.w3.org/2000/svg",zn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],Un=["font-family","font-size","font-weight","font-style"],Hn=["tabindex","role","aria-label","data-selected","style","class"];function Wn(e,t){let n=e.ownerDocument&&e.ownerDocument.defaultView;if(!n||!e.isConnected)return;let s=[e,...e.querySelectorAll("*")],a=[t,...t.querySelectorAll("*")];for(let o=0;o<s.length&&o<a.length;o++){let r=s[o],l=a[o],i=n.getComputedStyle(r),c=i.display==="none"||i.visibility==="hidden";for(let $ of Hn)l.removeAttribute($);if(c){l.setAttribute("display","none");continue}let d=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(d))for(let $ of zn)l.setAttribute($,i.getPropertyValue($));if(d==="text")for(let $ of Un)l.setAttribute($,i.getPropertyValue($))}}function Gn(e){let t=e.cloneNode(!0);Wn(e,t),t.setAttribute("xmlns",Fn);let n=e.closest&&e.closest(".dspyer-graphview"),s=e.ownerDocument&&e.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),o=t.querySelector("g.graph > polygon");a&&o&&o.setAttribute("fill",a)}return new XMLSerializer().serializeToString(t)}var Dt=new WeakMap,Kn=60;function Ae(e,t,n=0){if(!t)return;if(!t.isConnected){n<Kn&&requestAnimationFrame(()=>Ae(e,t,n+1));return}let s=Gn(t);Dt.get(e)!==s&&(Dt.set(e,s),e.send({type:"snapshot",svg:s}))}function Te(e,t,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let l=/^change:(.*)$/.exec(r);return l?`change:${n[l[1]]??l[1]}`:r},o=(r,l)=>r!=="msg:custom"?l:(s.has(l)||s.set(l,(i,c)=>{i&&(i.to===t||i.type==="runtime")&&l(i,c)}),s.get(l));return{get:r=>r==="_still"?"":e.get(n[r]??r),on:(r,l)=>e.on(a(r),o(r,l)),off:(r,l)=>e.off(a(r),o(r,l)),send:(r,...l)=>e.send(r&&r.type==="need-runtime"?r:{...r,to:t},...l)}}var j=P.bind(M);function Rt(e){let t={};for(let n of e||[])n.widget==="checkbox"?t[n.name]=!!n.default:n.default!==void 0&&(t[n.name]=n.default);return t}function Lt({f:e,value:t,set:n,wrong:s,disabled:a}){let o={id:void 0,"aria-invalid":s?"true":"false",disabled:a,name:e.name},r=typeof t=="string"?t:"",l=i=>n(i.currentTarget.value);switch(e.widget){case"checkbox":return j`<input type="checkbox" class="dl-answer-input" ...${o} checked=${!!t}
        onChange=${i=>n(i.currentTarget.checked)} />`;case"number":case"integer":return j`<input type="number" class="dl-answer-input" ...${o} value=${r}
        step=${e.widget==="integer"?"1":"any"} min=${e.min??void 0} max=${e.max??void 0}
        onInput=${l} />`;case"select":return j`<select class="dl-answer-input" ...${o} value=${r} onChange=${l}>
        ${!e.required||t===void 0?j`<option value="">—</option>`:null}
        ${e.options.map(i=>j`<option value=${i.value}>${i.label}</option>`)}
      </select>`;case"radio":return j`<span class="dl-answer-radios" role="radiogroup">${e.options.map(i=>j`<label class="dl-answer-radio">
        <input type="radio" ...${o} value=${i.value} checked=${r===i.value} onChange=${l} />${i.label}</label>`)}</span>`;case"textarea":case"json":return j`<textarea class="dl-answer-input" ...${o} spellcheck=${e.widget==="json"?"false":"true"}
        data-json=${e.widget==="json"?"true":void 0}
        rows=${Math.min(12,Math.max(3,r.split(`
`).length))} value=${r} onInput=${l}></textarea>`;default:return j`<input type=${e.widget==="password"?"password":"text"} class="dl-answer-input" ...${o}
        autocomplete="off" value=${r} onInput=${l} />`}}function Vn({ask:e,send:t,enabled:n}){let[s,a]=w(()=>Rt(e.fields)),[o,r]=w("");Y(()=>{a(Rt(e.fields)),r("")},[e.id]);let l=e.errors||{},i=!e.fields,c=d=>{d.preventDefault(),n&&t(i?{id:e.id,json:o}:{id:e.id,values:s})};return j`<div class="dl-ask" data-ask=${e.id} data-kind=${e.kind} data-node=${e.node}>
    <div class="dl-ask-head">${e.kind==="human"?"asks you":"asks"} · ${e.node}${e.task?` (${e.task})`:""}</div>
    <div class="dl-ask-body">
      <div class="dl-ask-main">
        <div class="dl-ask-question">${e.question}</div>
        <form class="dl-answer" onSubmit=${c} novalidate>
          ${l[""]!==void 0&&!i&&j`<div class="dl-answer-error" role="alert">${l[""]}</div>`}
          ${i?j`<div class="dl-answer-field" data-field="" data-widget="json"
              data-invalid=${l[""]!==void 0?"true":void 0}>
              <label class="dl-answer-label">answer (JSON: "text", 42, true, {"key": …})</label>
              <${Lt} f=${{name:"",widget:"json"}} value=${o} set=${r} wrong=${l[""]!==void 0}
                disabled=${!n} />
              ${l[""]!==void 0&&j`<div class="dl-answer-error" role="alert">${l[""]}</div>`}
            </div>`:e.fields.map(d=>j`<div class="dl-answer-field" data-field=${d.name} data-widget=${d.widget}
              data-invalid=${l[d.name]!==void 0?"true":void 0}>
              <label class="dl-answer-label" title=${d.description}>${d.label}${d.required?j`<span
                class="dl-answer-required" aria-hidden="true"> *</span>`:null}</label>
              <${Lt} f=${d} value=${s[d.name]} wrong=${l[d.name]!==void 0} disabled=${!n}
                set=${u=>a({...s,[d.name]:u})} />
              ${d.description&&j`<div class="dl-answer-hint">${d.description}</div>`}
              ${l[d.name]!==void 0&&j`<div class="dl-answer-error" role="alert">${l[d.name]}</div>`}
            </div>`)}
          <div class="dl-answer-actions">
            <button type="submit" class="dl-answer-submit" disabled=${!n}>Submit answer</button>
            ${e.yes_no&&j`<button type="button" class="dl-answer-yes" disabled=${!n}
                onClick=${()=>t({id:e.id,json:"true"})}>Approve</button>
              <button type="button" class="dl-answer-no" disabled=${!n}
                onClick=${()=>t({id:e.id,json:"false"})}>Reject</button>`}
          </div>
        </form>
      </div>
      ${e.inputs&&e.inputs.length>0&&j`<dl class="dl-ask-inputs" aria-label="inputs">
        ${e.inputs.map(d=>j`<dt>${d.name}</dt><dd>${d.text}</dd>`)}
      </dl>`}
    </div>
  </div>`}function Me({asks:e,send:t,enabled:n}){return j`<div class="dl-asks">${e.map(s=>j`<${Vn} key=${s.id} ask=${s} send=${t} enabled=${n} />`)}</div>`}var I=P.bind(M),It={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},Jn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",waiting:"waiting for an answer",finished:"finished"},Xn={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function Yn({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.total||0,o=l=>`${a?100*l/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return I`<div class="dl-toolbar dl-batch-progress"><div class="dl-toolbar-line">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:o(r)}}></span>
      <span class="dl-bar-failed" style=${{width:o((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,t.store].filter(Boolean).join(`
`)}
      data-stored=${t.store||void 0}>${n.text||""}</span>
    ${t.where?I`<span class="dl-where" title="where the batch's runs execute">${t.where}</span>`:null}
  </div></div>`}function Qn({measure:e,label:t}){return I`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${t}: ${Xn[e]||""}</span>
    ${[0,1,2,3,4,5].map(n=>I`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function Zn({panel:e,measure:t}){let n=e.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return I`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(o=>I`<th data-measure=${o}
      data-chosen=${o===t?"true":void 0}>${a[o]}</th>`)}</tr></thead>
    <tbody>${n.map(o=>I`<tr data-node=${o.node}><th scope="row">${o.node}</th>
      ${s.map(r=>I`<td data-measure=${r} data-chosen=${r===t?"true":void 0}>${o[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function es(e,t){return String(t==="index"?e.index:e[t]??"")}function ts({model:e,panel:t}){let n=t.examples;if(!n)return null;let s=n.query||{},a=l=>e.send({type:"table",...l}),o=l=>a({sort:l,descending:s.sort===l?!s.descending:!1}),r=l=>l.kept&&e.send({type:"open",index:l.index});return I`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${l=>a({filter:l.currentTarget.value})}>
          ${(n.filters||[]).map(l=>I`<option value=${l}>${Jn[l]||l}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(l=>I`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${It[l]||l}`} onClick=${()=>o(l)}>
          ${It[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>I`<tr class="dl-example" data-index=${l.index} data-status=${l.status}
        data-kept=${l.kept?"true":"false"} data-open=${l.open?"true":void 0}
        tabindex=${l.kept?"0":void 0} role=${l.kept?"button":void 0}
        title=${l.kept?`open example ${l.index}${l.error?`: ${l.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&r(l)}>
        ${n.columns.map(i=>I`<td data-col=${i}>${es(l,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function ns({model:e,review:t}){return!t||!t.count?null:I`<div class="dl-review" aria-label="review queue">
    <div class="dl-review-title">Waiting for an answer: ${t.count} example(s), oldest first${t.rows.length<t.count?` (the first ${t.rows.length} shown)`:""}</div>
    ${t.rows.map(n=>I`<div class="dl-review-row" key=${n.index} data-index=${n.index}>
      <div class="dl-review-head"><span class="dl-title">Example ${n.index}</span>
        <span class="dl-review-since">${n.since}</span>
        <span class="dl-review-summary" title=${n.summary}>${n.summary}</span></div>
      <${Me} asks=${n.asks} enabled=${!0}
        send=${s=>e.send({type:"answer",index:n.index,...s})} />
    </div>`)}
  </div>`}function ss({model:e,panel:t,Lab:n,example:s}){return t.opened===null||t.opened===void 0||!e.get("_open_panel")?null:I`<div class="dl-opened" data-index=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${t.opened}</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function qt({model:e,views:t,useTrait:n}){let{GraphPane:s,Lab:a}=t,o=n(e,"_layout")||{},r=n(e,"_picture")||{},l=n(e,"_panel")||"{}";n(e,"_open_panel");let i=A(()=>JSON.parse(l),[l]),c=A(()=>Te(e,"example"),[e]),d=i.measures||[],[u,$]=w("failure_rate"),p=(d.find(y=>y.id===u)||{}).label||u,b=A(()=>({...r,heat:{...r.heat||{},measure:u}}),[r,u]);return I`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${u}>
    <${Yn} model=${e} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${u} onChange=${y=>$(y.currentTarget.value)}>
            ${d.map(y=>I`<option value=${y.id}>${y.label}</option>`)}
          </select></label>
        <${s} model=${e} layout=${o} picture=${b}
          legend=${I`<${Qn} measure=${u} label=${p} />`} />
        <${Zn} panel=${i} measure=${u} />
      </div>
      <div class="dl-side"><${ts} model=${e} panel=${i} /></div>
    </div>
    <${ns} model=${e} review=${i.review} />
    <${ss} model=${e} panel=${i} Lab=${a} example=${c} />
  </div>`}var k=P.bind(M),Pe={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},as={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},ls=["fixed","broken","same","changed"];function Ft(e,t){let n=e.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function de(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function zt(e,t,n){if(!e)return;let s=t&&t.nodes?t:null,a=t&&t.heat||null;for(let r of e.querySelectorAll("g.node[data-node]")){let l=r.getAttribute("data-node");if(s){let i=s.nodes[l]||"none";de(r,"data-diff",i),de(r,"data-diverge",s.diverge===l?"true":null),Ft(r,`${l}: ${Pe[i]||i}${s.diverge===l?" (the paths part here)":""}`)}else if(a){let i=a[l],c=i&&i.levels&&i.levels[n]||0;de(r,"data-delta",c>0?"worse":c<0?"better":"none"),de(r,"data-delta-level",Math.abs(c)),Ft(r,i?i.title:`${l}: not run`)}}let o=s&&s.edges||{};for(let r of e.querySelectorAll("g.edge[data-edge]"))de(r,"data-side",s&&o[r.getAttribute("data-edge")]||null)}function Ht({model:e,GraphPane:t,layout:n,picture:s,measure:a,legend:o}){let r=F(null),l=s.compare;return L(()=>{let i=r.current;zt(i,l,a);let c=new MutationObserver(()=>zt(i,l,a));return c.observe(i,{childList:!0,subtree:!0}),()=>c.disconnect()},[l,a]),k`<div class="dl-compare-graph" ref=${r}>
    <${t} model=${e} layout=${n} picture=${s} legend=${o} />
  </div>`}function Ee({ops:e,keep:t}){return e.filter(([n])=>n==="="||n===t).map(([n,s])=>n==="="?s:n==="-"?k`<del class="dl-del">${s}</del>`:k`<ins class="dl-ins">${s}</ins>`)}function je({row:e,side:t}){let n=t==="a"?"dl-a":"dl-b";return e.changed&&e.diff&&e.diff.length?k`<td class=${n}><pre class="dl-value"><${Ee} ops=${e.diff} keep=${t==="a"?"-":"+"} /></pre></td>`:k`<td class=${n}><pre class="dl-value">${e[t]}</pre></td>`}function Ut(e){if(!e)return"not run";let t=[e.status,e.duration,`${e.attempts??0} attempt(s)`,`${e.tokens} tokens`];return e.calls&&t.push(`${e.calls} call(s)${e.models.length?` (${e.models.join(", ")})`:""}`),t.filter(Boolean).join(" · ")}function os({detail:e}){return e?k`<div class="dl-detail" data-node=${e.node} data-diff=${e.diff}>
    <div class="dl-title">${e.node}: ${Pe[e.diff]||e.diff}
      ${e.changed.length?` (${e.changed.join(", ")})`:""}</div>
    ${e.visits.map(t=>k`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${t.visit}>
      <thead><tr><th>visit ${t.visit}</th><th class="dl-a">A: ${Ut(t.a)}</th>
        <th class="dl-b">B: ${Ut(t.b)}</th></tr></thead>
      <tbody>${t.fields.map(n=>k`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${je} row=${n} side="a" /><${je} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${e.more&&k`<p class="dl-hint dl-more">${e.more}</p>`}
  </div>`:k`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function rs({model:e,data:t,send:n,GraphPane:s}){let a=t.summary||{},o=t.path&&t.path.diverge,r=k`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(l=>k`<span class="dl-key" data-diff=${l}>
      <span class="dl-swatch"></span>${Pe[l]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return k`<div class="dl-body">
    <div class="dl-main">
      <${Ht} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${o?"true":"false"}>${o?`The paths part at step ${o.step+1}${o.after?`, after ${o.after}`:""}: A → ${o.a||"end"}, B → ${o.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${je} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${je} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(t.nodes||[]).map(l=>k`<button class="dl-node" data-node=${l.node}
        data-diff=${l.diff} aria-pressed=${t.selected===l.node?"true":"false"}
        onClick=${()=>n({type:"select",node:t.selected===l.node?"":l.node})}>
        ${l.node}: ${Pe[l.diff]||l.diff}${l.changed.length?` (${l.changed.join(", ")})`:""}</button>`)}
      </div>
      <${os} detail=${t.detail} />
    </div>
  </div>`}function is({examples:e,send:t}){let n=a=>t({type:"table",...a}),s=a=>a.openable&&t({type:"open",index:a.index});return k`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${e.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${e.filters.map(a=>k`<option value=${a}>${as[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(e.page>0)} onClick=${()=>n({page:e.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(e.page+1<e.pages)}
        onClick=${()=>n({page:e.page+1})}>next ▶</button>
      <span class="dl-position">${e.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${e.rows.map(a=>k`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${o=>o.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function ds({model:e,data:t,send:n,GraphPane:s}){let a=t.measures||[],[o,r]=w("failure_rate"),l=(a.find(u=>u.id===o)||{}).label||o,i=k`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${l}:</span>
    ${[-5,-3,-1,0,1,3,5].map(u=>k`<span class="dl-key" data-delta=${u>0?"worse":u<0?"better":"none"}
      data-delta-level=${Math.abs(u)}><span class="dl-swatch"></span>${u===-5?"better":u===0?"same":u===5?"worse":""}</span>`)}
  </div>`,c=t.counts||{},d=t.score||{};return k`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${ls.map(u=>k`<button class="dl-outcome-count" data-outcome=${u}
        ...${{[`data-outcome-count-${u}`]:String(c[u]??0)}}
        onClick=${()=>n({type:"table",filter:u})}>${u} ${String(c[u]??0)}</button>`)}</div>
      <p class="dl-score">${d.measure} B − A: <span class="dl-score-delta">${d.text}</span>${" "}
        <span class="dl-hint">(A ${d.mean_a}, B ${d.mean_b}; passes: finished${d.measure==="score"?` and score ≥ ${t.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${o} onChange=${u=>r(u.currentTarget.value)}>
          ${a.map(u=>k`<option value=${u.id}>${u.label}</option>`)}
        </select></label>
      <${Ht} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} measure=${o} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(u=>k`<th data-measure=${u.id}>${u.label} A → B</th>`)}</tr></thead>
        <tbody>${(t.nodes||[]).map(u=>k`<tr data-node=${u.node}><th scope="row">${u.node}</th>
          ${a.map($=>k`<td data-measure=${$.id}>${u.a[$.id]} → ${u.b[$.id]} (${u.delta[$.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${t.examples&&k`<${is} examples=${t.examples} send=${n} />`}</div>
  </div>`}function cs(e,t){return{get:n=>n==="_still"?"":e.get(n),on:(...n)=>e.on(...n),off:(...n)=>e.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?e.send(n,...s):n&&n.type!=="snapshot"&&t(n)}}}function ce({model:e,data:t,send:n,views:s,embedded:a=!0}){let{GraphPane:o}=s,r=A(()=>a?cs(e,n):e,[e,n,a]);if(!t||!t.mode)return k`<div class="dspyer-compare"></div>`;let l=t.mode==="runs"?rs:ds;return k`<div class="dspyer-compare" data-mode=${t.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${t.back&&k`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${t.labels.a}</span>
      <span class="dl-label dl-b">B: ${t.labels.b}</span>
      ${t.note&&k`<span class="dl-note">${t.note}</span>`}
    </div>
    <${l} model=${r} data=${t} send=${n} GraphPane=${o} />
  </div>`}function Wt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_compare")||"{}",r=A(()=>({...JSON.parse(o),picture:a,layout:s}),[o,a,s]),l=A(()=>i=>e.send(i),[e]);return k`<${ce} model=${e} data=${r} send=${l} views=${t} embedded=${!1} />`}var us="http://www.w3.org/2000/svg",nt=["idle","running","retrying","done","failed","cancelled"],ps=new Set(nt),$s="__end__",Gt={start:"start",end:"end"},Kt=6,Vt=null;function fs(e){Vt??=document.createElement("canvas");let t=Vt.getContext("2d");return(n,s)=>(t.font=`${s}px ${e}`,t.measureText(n).width)}function hs(e,t){let n=[],s=new Map,a=(o,r)=>{let l=14,i=0,c=0;for(let d of o||[])d.op==="F"?l=d.size:d.op==="T"&&(i=Math.max(i,d.width),c=Math.max(c,t(d.text,l)));c>0&&r(i,c)};for(let o of e.objects||[])a(o._ldraw_,(r,l)=>n.push({id:o.name,est:r,real:l,width:+o.width,shape:o.shape}));for(let o of e.edges||[]){let r=String(o.class||"").split(/\s+/).find(l=>/^e\d+$/.test(l));r&&a(o._ldraw_,(l,i)=>s.set(r,{est:l,real:i}))}return{nodes:n,edges:s}}function _s(e,t){let n=[];for(let a of t){if(a.real+Kt<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let o=a.shape==="diamond"?2:1,r=a.width+o*(a.real+Kt-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return e;let s=e.lastIndexOf("}");return`${e.slice(0,s)}${n.join(`
`)}
}`}async function Jt(e,t,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=fs(n),a=hs(e.renderJSON(t),s),o=e.renderSVGElement(_s(t,a.nodes));for(let r of o.querySelectorAll("g.edge")){let l=[...r.classList].find(c=>a.edges.has(c)),i=l&&a.edges.get(l);if(!(!i||i.real<=i.est))for(let c of r.querySelectorAll(":scope > text"))c.setAttribute("textLength",String(i.est)),c.setAttribute("lengthAdjust","spacingAndGlyphs")}return o}function G(e){let t=[],n=[];for(let s of e.children){let a=s.localName;if(a==="ellipse"){let o=+s.getAttribute("cx"),r=+s.getAttribute("cy"),l=+s.getAttribute("rx"),i=+s.getAttribute("ry");t.push(o-l,o+l),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let l=0;l+1<r.length;l+=2)t.push(+r[l]),n.push(+r[l+1])}}return t.length?{x1:Math.min(...t),y1:Math.min(...n),x2:Math.max(...t),y2:Math.max(...n)}:null}function W(e,t){let n=document.createElementNS(us,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function se(e,t){let n=e.querySelector(":scope > title");n||(n=W("title",{}),e.prepend(n)),n.textContent=t}var Oe=class{constructor(t,n){this.svg=t,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,t.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of t.querySelectorAll("g.node")){let l=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,l)){let i=s[l];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),se(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(Gt,l)?(r.setAttribute("data-marker",Gt[l]),se(r,l.toUpperCase())):Object.hasOwn(a,l)&&(r.setAttribute("data-join",l),se(r,a[l]))}let o=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of t.querySelectorAll("g.edge.dl-join-out")){let l=[...r.classList].find(i=>Object.hasOwn(a,i));l&&this.joinOuts.set(l,r)}for(let r of t.querySelectorAll("g.edge")){let l=[...r.classList].map(d=>o.get(d)).find(Boolean);if(!l)continue;r.setAttribute("data-edge",l.id),r.setAttribute("data-source",l.source),r.setAttribute("data-target",l.target),l.key!==null&&l.key!==void 0&&r.setAttribute("data-decision",l.key);let i=l.target===$s?"END":l.target,c=l.key==null?`${l.source} → ${i}`:`${l.source} → ${i} [${l.key}]`;l.join&&r.setAttribute("data-join","true"),l.junction&&this.junctions.set(l.id,l.junction),se(r,l.join?`${c}: ${l.join}`:c),this.edges.set(l.id,r)}}nodeGroups(){return[...this.nodes].map(([t,n])=>[t,n.group])}makeBadge(t){let n=G(t);if(!n)return null;let s=W("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=W("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),o=W("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,o),t.appendChild(s),{badge:s,rect:a,text:o}}apply(t){let n=t.status||{},s=t.visits||{},a=t.selected||"";for(let[l,i]of this.nodes){let c=ps.has(n[l])?n[l]:"idle",d=Number.isFinite(s[l])?s[l]:0,u=i.group;u.getAttribute("data-status")!==c&&u.setAttribute("data-status",c),u.setAttribute("data-visits",String(d)),u.setAttribute("aria-label",d>1?`${l}: ${c}, ${d} visits`:`${l}: ${c}`),l===a?u.setAttribute("data-selected","true"):u.removeAttribute("data-selected"),this.setBadge(i,d)}let o=t.path||{};for(let[l,i]of this.edges){let c=Number.isFinite(o[l])?o[l]:0;c>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(c))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),l===t.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([l])=>o[l]>0).map(([,l])=>l));for(let[l,i]of this.joinOuts)r.has(l)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");t.heat&&this.applyHeat(t.heat)}applyHeat(t){let n=t.nodes||{};for(let[a,o]of this.nodes){let r=n[a],l=r&&r.levels?r.levels[t.measure]:void 0;o.group.setAttribute("data-heat",String(Number.isFinite(l)?l:0)),se(o.group,r?r.title:`${a}: not run`)}let s=t.edges||{};for(let[a,o]of this.edges){let r=s[a];r?(o.setAttribute("data-count",String(r.count)),o.setAttribute("data-weight",String(r.weight))):(o.removeAttribute("data-count"),o.removeAttribute("data-weight"));let i=(o.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");se(o,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(t,n){if(!t.badge)return;let{badge:s,rect:a,text:o}=t.badge;if(n>1){let r=`×${n}`;if(o.textContent!==r){o.textContent=r;let l=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-l/2)),a.setAttribute("width",String(l))}s.style.display=""}else s.style.display="none"}};var D=P.bind(M),B={w:420,h:150,left:34,right:10,top:10,bottom:24};function Be(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function Xt(e,t){if(e)for(let n of e.querySelectorAll("g.node[data-node]")){let s=t[n.getAttribute("data-node")],a=n.querySelector(":scope > g.dl-opt-badge");if(!s){a&&a.remove();for(let l of["data-opt-demos","data-opt-candidates","data-opt-in-best"])Be(n,l,null);continue}if(Be(n,"data-opt-demos",s.demos),Be(n,"data-opt-candidates",s.candidates),Be(n,"data-opt-in-best",s.in_best),!a){let l=G(n);if(!l)continue;a=W("g",{class:"dl-opt-badge",transform:`translate(${(l.x1+l.x2)/2} ${l.y2+11})`}),a.append(W("title",{}),W("text",{"text-anchor":"middle","font-size":9})),n.appendChild(a)}let[o,r]=a.children;r.textContent!==s.text&&(r.textContent=s.text),o.textContent!==s.title&&(o.textContent=s.title)}}function bs({model:e,GraphPane:t,layout:n,picture:s}){let a=F(null),o=s.optimize&&s.optimize.nodes||{};L(()=>{let l=a.current;Xt(l,o);let i=new MutationObserver(()=>Xt(l,o));return i.observe(l,{childList:!0,subtree:!0}),()=>i.disconnect()},[o]);let r=D`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;return D`<div class="dl-opt-graph" ref=${a}>
    <${t} model=${e} layout=${n} picture=${s} legend=${r} />
  </div>`}function ms({trials:e,line:t}){let n=e.filter(c=>c.score!==null&&c.score!==void 0),s=Math.max(1,...e.map(c=>c.n)),a=Math.max(100,...n.map(c=>c.score)),o=Math.min(0,...n.map(c=>c.score)),r=c=>B.left+(B.w-B.left-B.right)*(s===1?.5:(c-1)/(s-1)),l=c=>B.top+(B.h-B.top-B.bottom)*(1-(c-o)/(a-o||1)),i=[o,(o+a)/2,a];return D`<svg class="dl-score-plot" viewBox=${`0 0 ${B.w} ${B.h}`} width=${B.w} height=${B.h}
    role="img" aria-label=${`score per trial: ${n.length} trial(s) scored`} data-trials=${e.length}>
    ${i.map(c=>D`<g class="dl-tick"><line x1=${B.left} x2=${B.w-B.right} y1=${l(c)} y2=${l(c)} />
      <text x=${B.left-4} y=${l(c)+3} text-anchor="end">${String(Math.round(c))}</text></g>`)}
    <text class="dl-axis" x=${(B.w+B.left)/2} y=${B.h-4} text-anchor="middle">trial</text>
    ${t.length>0&&D`<polyline class="dl-best-line" data-best=${String(t[t.length-1][1])}
      points=${t.map(([c,d])=>`${r(c)},${l(d)}`).join(" ")} />`}
    ${e.map(c=>c.score===null||c.score===void 0?D`<text class="dl-trial-missing" x=${r(c.n)} y=${B.h-B.bottom} text-anchor="middle"
          data-trial=${c.n} data-error=${c.error?"true":void 0}>${c.running?"…":"×"}<title>${c.running?`trial ${c.n}: running`:`trial ${c.n}: ${c.error||"no score"}`}</title></text>`:D`<circle class="dl-trial" cx=${r(c.n)} cy=${l(c.score)} r=${c.best?5:3.5} data-trial=${c.n}
          data-score=${c.score} data-on=${c.on} data-best=${c.best?"true":void 0}
          data-failed=${c.failed||void 0} data-error=${c.error?"true":void 0}>
          <title>${`trial ${c.n}: ${c.score.toFixed(1)} on ${c.examples} example(s) (${c.on}${c.kind?`, ${c.kind}`:""})${c.failed?`; ${c.failed} example run(s) failed: ${c.failure}`:""}${c.best?" · the best":""}`}</title>
        </circle>`)}
  </svg>`}function gs({trials:e}){let t=e.filter(n=>n.error||n.failed);return t.length?D`<ul class="dl-trial-problems">${t.map(n=>D`<li class="dl-trial-problem" data-trial=${n.n}>
    ${`trial ${n.n}: `}${n.error?`ended with ${n.error}`:`${n.failed} example run(s) failed, first: ${n.failure}`}</li>`)}
  </ul>`:null}function vs({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.fraction===null||n.fraction===void 0?null:`${100*n.fraction}%`;return D`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <span class="dl-opt-name">${t.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${n.total??void 0}
      aria-valuenow=${n.done||0} data-done=${n.done||0} data-total=${n.total??""}
      data-indeterminate=${a===null&&t.state==="optimizing"?"true":void 0}>
      <span class="dl-bar-ok" style=${{width:a??(t.state==="optimizing"?"0%":"100%")}}></span>
    </div>
    <span class="dl-status" data-phase=${t.phase}>${t.status}</span>
  </div>`}function ys({nodes:e}){return D`<div class="dl-opt-nodes">${e.map(t=>D`<div class="dl-opt-node" data-node=${t.node}
    data-changed=${t.changed?"true":"false"}>
    <div class="dl-title">${`${t.node}: ${t.changed?"new instructions":"instructions unchanged"} · demos ${t.demos_before} → ${t.demos_after}`}</div>
    <pre class="dl-value">${t.changed?D`<${Ee} ops=${t.diff} keep="-" /><br />→ <${Ee} ops=${t.diff} keep="+" />`:t.instructions}</pre>
    ${t.demos_added.length>0&&D`<ul class="dl-demos-added">${t.demos_added.map(n=>D`<li class="dl-demo-added">${n}</li>`)}${t.more_demos>0&&D`<li>${`… ${t.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`}function Yt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_optimize")||"{}",r=A(()=>JSON.parse(o),[o]),l=A(()=>d=>e.send({...d,to:"compare"}),[e]),i=r.trials||[],c=r.after;return D`<div class="dspyer-compare dspyer-optimize" data-state=${r.state||"idle"} data-phase=${r.phase||""}>
    <${vs} model=${e} panel=${r} />
    ${r.error&&D`<p class="dl-opt-error" role="alert">${r.error}</p>`}
    ${r.note&&D`<p class="dl-opt-note">${r.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${bs} model=${e} GraphPane=${t.GraphPane} layout=${s} picture=${a} />
      </div>
      <div class="dl-side">
        <${ms} trials=${i} line=${r.best_line||[]} />
        <p class="dl-hint">${`${r.best?`best ${r.best.text} (trial ${r.best.n})`:"no trial scored yet"} · filled: a whole set, hollow: a minibatch`}</p>
        <${gs} trials=${i} />
      </div>
    </div>
    ${c&&D`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${ys} nodes=${c.nodes||[]} />
      <${ce} model=${e} data=${c.compare} send=${l} views=${t} />
    </div>`}
  </div>`}var S=P.bind(M),st={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function ks({send:e,table:t}){let n=t.query||{},s=r=>e({type:"table",...r}),a=(r,l)=>l.trim()!==(n[r]||"")&&s({[r]:l.trim()}),o=(r,l,i)=>S`<label class="dl-pick">${i}
    <input class=${l} type="text" size="12" value=${n[r]||""}
      onChange=${c=>a(r,c.currentTarget.value)}
      onKeyDown=${c=>c.key==="Enter"&&a(r,c.currentTarget.value)} /></label>`;return S`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.programs||[]).map(r=>S`<option value=${r}>${r}</option>`)}
        ${n.program&&!(t.programs||[]).includes(n.program)&&S`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.statuses||[]).map(r=>S`<option value=${r}>${r}</option>`)}
      </select></label>
    ${o("node","dl-f-node","visited node")}
    ${o("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function at({page:e,pages:t,position:n,go:s}){return S`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(e>0)} onClick=${()=>s(e-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(e+1<t)} onClick=${()=>s(e+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function Qt({send:e,confirm:t}){return t?S`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${t.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>e({type:"delete-confirm"})}>Delete</button>
    ${t.runs?S`<button class="dl-delete-confirm-runs" onClick=${()=>e({type:"delete-confirm",runs:!0})}>
      ${`Delete with their ${t.runs} run${t.runs===1?"":"s"}`}</button>`:null}
    <button class="dl-delete-cancel" onClick=${()=>e({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Zt({send:e,panel:t}){return S`<button class="dl-compare" disabled=${!t.can_compare} onClick=${()=>e({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function en({send:e,id:t,checked:n,label:s}){return S`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>e({type:"check",id:t,checked:a.currentTarget.checked})} /></td>`}function tn({send:e,panel:t,what:n}){let s=(t.checked||[]).length;return S`<button class="dl-delete" disabled=${!t.can_delete} onClick=${()=>e({type:"delete"})}
    title=${`delete the checked ${n} from the store`}>${`Delete${s?` ${s}`:""}…`}</button>`}function xs({send:e,panel:t}){let n=t.runs;if(!n)return null;let s=n.query||{},a=new Set(t.checked||[]),o=l=>e({type:"table",sort:l,descending:s.sort===l?!s.descending:l==="started"}),r=l=>e({type:"open",run_id:l.run_id});return S`<div class="dl-runs-list">
    <${ks} send=${e} table=${n} />
    <div class="dl-actions">
      <${at} page=${s.page} pages=${n.pages} position=${n.position}
        go=${l=>e({type:"table",page:l})} />
      <${tn} send=${e} panel=${t} what="runs" />
      <${Zt} send=${e} panel=${t} />
    </div>
    <${Qt} send=${e} confirm=${t.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>S`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${st[l]||l}`} onClick=${()=>o(l)}>
          ${st[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>S`<tr class="dl-run" key=${l.run_id} data-run-id=${l.run_id} data-status=${l.status}
        data-checked=${a.has(l.run_id)?"true":void 0} data-open=${t.opened===l.run_id?"true":void 0}
        data-parent=${l.parent||void 0} tabindex="0" role="button" title=${`open run ${l.run_id}`}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(l)}>
        <${en} send=${e} id=${l.run_id} checked=${a.has(l.run_id)} label=${`select run ${l.run_id}`} />
        ${n.columns.map(i=>S`<td data-col=${i} title=${i==="error"?l.error_full:void 0}>${l[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function ws({send:e,opened:t}){return t?S`<div class="dl-batch-examples" data-batch-id=${t.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${t.title}</span>
      <button class="dl-close" onClick=${()=>e({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${at} page=${t.page} pages=${t.pages} position=${t.position}
      go=${n=>e({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${t.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&e({type:"open",run_id:n.run_id});return S`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function Ss({send:e,panel:t}){let n=t.batches;if(!n)return null;let s=n.opened,a=new Set(t.checked||[]);return S`<div class="dl-batches-list">
    <div class="dl-actions">
      <${at} page=${n.page} pages=${n.pages} position=${n.position}
        go=${o=>e({type:"batches-page",page:o})} />
      <${tn} send=${e} panel=${t} what="batches" />
      <${Zt} send=${e} panel=${t} />
    </div>
    <${Qt} send=${e} confirm=${t.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>S`<th data-col=${o}>${st[o]||o}</th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>{let r=()=>e({type:"open-batch",batch_id:o.batch_id});return S`<tr class="dl-batch" key=${o.batch_id} data-batch-id=${o.batch_id} data-status=${o.status}
          data-open=${s&&s.batch_id===o.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(o.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${l=>l.key==="Enter"&&l.target===l.currentTarget&&r()}>
          <${en} send=${e} id=${o.batch_id} checked=${a.has(o.batch_id)} label=${`select batch ${o.batch_id}`} />
          ${n.columns.map(l=>S`<td data-col=${l}>${o[l]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${ws} send=${e} opened=${s} />
  </div>`}function Cs({model:e,panel:t,Lab:n,run:s}){return!t.opened||!e.get("_open_panel")?null:S`<div class="dl-opened" data-run-id=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${t.opened}`}</span>
      ${!t.forkable&&S`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>e.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function As({model:e,views:t,useTrait:n}){let s=n(e,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),o=A(()=>r=>e.send({...r,to:"compare"}),[e]);return a?S`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${ce} model=${e} data=${a} send=${o} views=${t} />
  </div>`:null}function nn({model:e,views:t,useTrait:n}){let{Lab:s}=t,a=n(e,"_panel")||"{}";n(e,"_open_panel");let o=A(()=>JSON.parse(a),[a]),r=A(()=>Te(e,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[e]),l=u=>e.send(u),i=o.mode||"runs",c=i==="runs"?(o.runs||{}).total:(o.batches||{}).total,d=(u,$)=>S`<button class="dl-mode" data-mode=${u} aria-pressed=${u===i?"true":"false"}
    onClick=${()=>l({type:"mode",mode:u})}>${$}</button>`;return S`<div class="dspyer-runs" data-mode=${i} data-count=${c??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${d("runs","Runs")}${d("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>l({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${o.store||""}>${o.store||""}</span>
      <span class="dl-notice">${o.notice||""}</span>
    </div>
    ${i==="runs"?S`<${xs} send=${l} panel=${o} />`:S`<${Ss} send=${l} panel=${o} />`}
    <${As} model=${e} views=${t} useTrait=${n} />
    <${Cs} model=${e} panel=${o} Lab=${s} run=${r} />
  </div>`}function ue(e,t,n,{cls:s,attr:a,place:o,show:r}){let l=n||{};for(let[i,c]of e){let d=Object.hasOwn(l,i)?l[i]:null,u=t.get(i);if(!d){u&&u.box.remove(),t.delete(i),c.removeAttribute(a);continue}if(!u){let y=o(c);if(!y)continue;u=Ts(c,s,y),t.set(i,u)}let{value:$,label:p,hint:b}=r(d,c);c.setAttribute(a,String($)),u.label.textContent!==p&&(u.label.textContent=p),u.title.textContent!==b&&(u.title.textContent=b)}}function Ts(e,t,{x:n,y:s,anchor:a}){let o=W("g",{class:t}),r=W("title",{}),l=W("text",{x:n,y:s,"text-anchor":a,"font-size":9});return o.append(r,l),e.appendChild(o),{box:o,title:r,label:l}}var x=P.bind(M),Ms=24;function ln({message:e,full:t,Cell:n}){let[s,a]=w(!!e.open);return L(()=>a(!!e.open),[e.open,e.size,e.role]),x`<details class="dl-msg" data-role=${e.role} open=${s}
    onToggle=${o=>a(o.currentTarget.open)}>
    <summary><span class="dl-role">${e.role}</span>${" "}<span class="dl-size">${e.size}</span></summary>
    ${s&&x`<pre class="dl-pre"><${n} cell=${e.text} full=${t} /></pre>`}
  </details>`}function on({stream:e}){let t=F(null),n=F(!0);L(()=>{let a=t.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[e.text]);let s=a=>{let o=a.currentTarget;n.current=o.scrollHeight-o.scrollTop-o.clientHeight<Ms};return x`<div class="dl-stream-box">
    <div class="dl-stream-head">${e.field}${e.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${t} onScroll=${s} data-field=${e.field}
      data-live=${e.live?"true":"false"}>${e.text}</pre>
  </div>`}function rn({text:e}){return e?x`<span class="dl-run-calls" title=${e}>${e}</span>`:null}function dn(e,t){ue(e.nodeGroups(),e.notes.calls,t,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var sn=0;function Ps({passed:e,errors:t}){let n=(t||[]).length;return x`<div class="dl-verdict" data-pass=${e?"true":"false"}>${e?"✓ passes the node's contract":`✗ rejected: ${n} error${n===1?"":"s"}`}</div>`}function js({fields:e,Cell:t,full:n}){return!e||!e.length?x`<div class="dl-note">no field could be read from the answer</div>`:x`<table class="dl-table dl-pg-fields"><tbody>${e.map(s=>x`<tr
      data-field=${s.name} data-invalid=${s.errors.length?"true":void 0}>
    <th scope="row">${s.name}</th>
    <td><${t} cell=${s.value} full=${n} />${s.errors.map(a=>x`<div class="dl-pg-field-error">${a}</div>`)}</td>
  </tr>`)}</tbody></table>`}function an({model:e,pg:t,variant:n,label:s,Cell:a,full:o}){let r=n,l=r.errors?r.errors.filter(i=>!(r.fields||[]).some(c=>c.errors.includes(i.replace(/^- /,"")))):[];return x`<div class="dl-pg-card" data-variant=${r.id??"original"} data-pending=${r.pending?"true":void 0}>
    <div class="dl-pg-card-head"><b>${s}</b>${" · "}<span class="dl-pg-model" title=${r.model}>${r.model}</span>
      ${r.id!==void 0&&x`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${()=>e.send({type:"drop-variant",variant:r.id})}>✕</button>`}</div>
    ${r.pending&&x`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${r.error&&x`<div class="dl-edit-error" role="alert">${r.error}</div>`}
    ${r.passed!==void 0&&x`<${Ps} passed=${r.passed} errors=${r.errors} />`}
    ${r.fields&&x`<${js} fields=${r.fields} Cell=${a} full=${o} />`}
    ${l.map(i=>x`<div class="dl-pg-field-error">${i}</div>`)}
    ${r.completion!==void 0&&x`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${a} cell=${r.completion} full=${o} /></pre></details>`}
    ${r.facts&&x`<div class="dl-facts">${r.facts.join(" · ")}</div>`}
    ${r.passed!==void 0&&r.id!==void 0&&x`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!r.can_use||!t.available}
        title=${r.can_use?"Give the program's node these instructions (and demos)":"Raw messages: no instructions to use"}
        onClick=${()=>e.send({type:"use-instructions",variant:r.id})}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!r.can_use||!t.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${()=>e.send({type:"fork-with",variant:r.id})}>Fork from here with them</button>
    </div>`}
  </div>`}function Es({model:e,pg:t}){let n=t.editor,[s,a]=w("structured"),[o,r]=w(()=>n.messages.map(f=>({...f}))),[l,i]=w(n.instructions),[c,d]=w(n.demos),[u,$]=w(()=>({...n.inputs})),[p,b]=w(""),y=(f,h)=>Math.min(h,Math.max(2,String(f).split(`
`).length)),v=(f,h)=>f===h?null:f,m=()=>e.send(s==="messages"?{type:"resend",id:++sn,call:t.call,mode:s,model:p,messages:o.map((f,h)=>f.content===n.messages[h].content?null:f)}:{type:"resend",id:++sn,call:t.call,mode:s,model:p,instructions:v(l,n.instructions),demos:v(c,n.demos),inputs:Object.fromEntries(Object.entries(u).filter(([f,h])=>h!==n.inputs[f]))});return x`<div class="dl-pg-editor" data-mode=${s}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="structured"}
        onChange=${()=>a("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="messages"}
        onChange=${()=>a("messages")} /> raw messages</label>
    </div>
    ${s==="structured"?x`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${y(l,10)} value=${l}
          onInput=${f=>i(f.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${y(c,8)} value=${c} onInput=${f=>d(f.currentTarget.value)}></textarea></label>
        ${Object.keys(u).map(f=>x`<label class="dl-pg-label" data-input=${f}>${f} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${y(u[f],6)} value=${u[f]}
          onInput=${h=>$({...u,[f]:h.currentTarget.value})}></textarea></label>`)}
      </div>`:x`<div class="dl-pg-messages">${o.map((f,h)=>x`<label class="dl-pg-label" data-role=${f.role}>
        ${f.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${y(f.content,12)}
          value=${f.content} onInput=${g=>r(o.map((R,q)=>q===h?{...R,content:g.currentTarget.value}:R))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${p}
        onChange=${f=>b(f.currentTarget.value)}>
        ${t.models.map(f=>x`<option value=${f.value}>${f.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!t.available} title=${t.why||"Send this call to the model"}
        onClick=${m}>Send</button>
    </div>
    ${t.error&&x`<div class="dl-edit-error" role="alert">${t.error}</div>`}
  </div>`}function cn({model:e,pg:t,Cell:n,full:s}){if(!t)return null;let a=!!(t.editing&&t.editor),o=()=>e.send({type:"resend-editor",call:t.call,open:!a});return x`<div class="dl-pg" data-call=${t.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${a?"true":"false"} disabled=${t.available===!1&&!a}
        title=${t.why||"Edit this call and send it again"} onClick=${o}>${a?"Close the editor":"✎ Edit and send again"}</button>
      ${t.version&&x`<span class="dl-pg-version" title=${t.version}>${t.version}</span>`}
    </div>
    ${a&&x`<${Es} key=${t.call} model=${e} pg=${t} />`}
    ${t.original&&(a||t.variants.length>0)&&x`<div class="dl-pg-variants">
      <${an} model=${e} pg=${t} variant=${t.original} label="original" Cell=${n} full=${s} />
      ${t.variants.map((r,l)=>x`<${an} key=${r.id} model=${e} pg=${t} variant=${r}
        label=${`variant ${l+1}`} Cell=${n} full=${s} />`)}
    </div>`}
  </div>`}var E=P.bind(M);function un({title:e,fields:t,edits:n,setEdits:s,error:a,next:o}){return E`<div class="dl-state">
    <div class="dl-state-title">${e}</div>
    ${a&&!a.field&&E`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${t.map(r=>{let l=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,c=a&&a.field===r.name,d=Math.min(8,Math.max(1,l.split(`
`).length));return E`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${c?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${o}'`:""}>${r.name}${r.reads?E`<span class="dl-reads"> · read by ${o}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${d} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${c?"true":"false"} value=${l}
            onInput=${u=>s({...n,[r.name]:u.currentTarget.value})}></textarea>
          ${c&&E`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function Os(e,t){let n={};for(let s of e)Object.hasOwn(t,s.name)&&t[s.name]!==s.text&&(n[s.name]=t[s.name]);return n}function Bs({model:e,list:t,enabled:n}){if(!n&&!t.length)return null;let s=a=>e.send({type:"breakpoint",node:a.node,when:a.when});return E`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!t.length&&E`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${t.map(a=>E`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${t.length>1&&E`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>t.forEach(s)}>clear all</button>`}
  </span>`}function Ns(e,t){if(e&&Array.isArray(e.breakpoints))return e.breakpoints;let n=t||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function pn({model:e,debug:t,breakpoints:n}){let s=t||{},a=s.paused,o=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||o&&o.key||"",[l,i]=w({});Y(()=>i({}),[r]);let c=s.runs,d=(p,b)=>e.send({type:p,update:Os(b||[],l)}),u=o&&o.editing,$=a&&a.asks&&a.asks.length?a.asks:null;return E`<div class="dl-debug" data-mode=${a?"paused":u?"fork":"idle"}>
    <div class="dl-debug-row">
      ${$&&E`<span class="dl-paused-at" data-waiting="true">‖ waiting for an answer at '${a.node}'</span>`}
      ${a&&!$&&E`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&E`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>d("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>d("step",a.fields)}>Step ▸</button>`}
      ${o&&!u&&E`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>e.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${u&&E`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>d("fork",o.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>e.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${c&&E`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!c.enabled} value=${String(c.value??-1)}
          onChange=${p=>e.send({type:"show-run",index:+p.currentTarget.value})}>
          ${c.options.map(p=>E`<option value=${String(p.value)}>${p.label}</option>`)}
        </select></label>`}
      ${s.diff&&E`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${Bs} model=${e} list=${Ns(t,n)} enabled=${!!s.can_break} />
    </div>
    ${$&&E`<${Me} asks=${$} enabled=${!!a.enabled}
      send=${p=>e.send({type:"answer",...p})} />`}
    ${a&&!$&&E`<${un} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${l} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${u&&E`<${un} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${o.fields||[]} edits=${l} setEdits=${i} error=${s.error} next=${o.next} />`}
    ${!a&&!u&&s.error&&E`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var Ds="http://www.w3.org/2000/svg",fn=["before","after"],lt={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function te(e,t){let n=document.createElementNS(Ds,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function $n(e,t){let n=e.querySelector(":scope > title");n||(n=te("title",{}),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function hn(e,t){e.debug=new Map;for(let[n,s]of e.nodes){let a=t(s.group);if(!a)continue;let o={};for(let l of fn){let i=l==="before"?a.y1+1:a.y2-1,c=te("g",{class:"dl-bp","data-when":l,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});c.append(te("circle",{class:"dl-bp-hit",r:9}),te("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(c),o[l]=c}let r=te("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(te("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),te("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),e.debug.set(n,{pins:o,badge:r})}}function Ne(e,t,n,s){if(!e.debug)return;let a=t.paused||null,o=t.diff||{},r=new Set(t.inherited||[]);for(let[l,{pins:i,badge:c}]of e.debug){let d=e.nodes.get(l).group;for(let $ of fn){let p=(n&&n[$]||[]).includes(l),b=i[$];p?b.setAttribute("data-on","true"):b.removeAttribute("data-on"),b.style.display=s||p?"":"none",$n(b,`${p?"Breakpoint: pause":"Click to pause"} ${$} '${l}'${p?" (click to clear)":""}`)}r.has(l)?d.setAttribute("data-inherited","true"):d.removeAttribute("data-inherited"),a&&a.node===l?d.setAttribute("data-paused",String(a.when)):d.removeAttribute("data-paused");let u=Object.hasOwn(o,l)&&Object.hasOwn(lt,o[l])?o[l]:null;u?(d.setAttribute("data-diff",u),c.querySelector("text").textContent=lt[u][0],$n(c,lt[u][1]),c.style.display=""):(d.removeAttribute("data-diff"),c.style.display="none")}}function _n(e,t){let n=e.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!t.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var De=P.bind(M);function bn(e,t){ue(e.nodeGroups(),e.notes.progress,t,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function mn(e,t){ue(e.edges,e.notes.sends,t,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=G({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function gn({rows:e,onSelect:t}){return De`<ul class="dl-instances">
    ${e.map(n=>De`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>t(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&De`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&De`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var ae=P.bind(M),Rs=8,vn=3;function yn(e,t,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(e-n)/a}%, calc(100% - ${vn}px))`,width:`${100*(t-e)/a}%`,minWidth:`${vn}px`}}function Ls({call:e,bar:t}){let n=yn(e.start,e.end,t.start,t.end);return ae`<span class="dl-call" data-attempt=${e.attempt??""} data-outcome=${e.outcome}
    style=${n} title=${e.hint}></span>`}function Is({bar:e,span:t,selected:n,onSelect:s}){let a=yn(e.start,e.end,t[0],t[1]);return ae`<div class="dl-bar" role="button" tabindex="0" data-visit=${e.visit} data-node=${e.node}
    data-task=${e.task||void 0} data-status=${e.status} data-live=${e.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${e.hint}
    onClick=${()=>s(e.visit)} onKeyDown=${o=>o.key==="Enter"&&s(e.visit)}>
    ${e.calls.map(o=>ae`<${Ls} call=${o} bar=${e} />`)}
    <span class="dl-bar-label">${e.node}</span>
  </div>`}function kn({model:e,body:t}){let n=t.span||[0,0],s=o=>e.send({type:"select",visit:o}),a=t.bars||[];return ae`<div class="dl-waterfall">
    <div class="dl-scope">${t.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*Rs}px`}}>
      ${(t.lanes||[]).map((o,r)=>ae`<div class="dl-lane" data-lane=${o.lane}>
        <span class="dl-lane-label" title=${o.label}>${o.label}</span>
        <div class="dl-lane-track">
          ${a.filter(l=>l.lane===r).map(l=>ae`<${Is} bar=${l} span=${n}
            selected=${l.visit===t.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var ot=P.bind(M),qs=["1","2","5","every"],Fs=3e3;function pe(e,t){return t<=0?0:e[Math.min(t,e.length)-1]}function zs(e,t){let n={key:"",t:[],steps:[]},s=0,a=!1,o=null,r=null,l=null,i={speed:1,every:null},c=()=>n.t.length,d=()=>t({playing:a,pos:s,ms:pe(n.t,s),total:pe(n.t,c())}),u=()=>{r!==null&&clearTimeout(r),r=null},$=m=>{let f=m-l.wall;if(i.every){let T=Math.min(n.steps.length-1,l.step+Math.floor(f/(i.every*1e3))),U=T<0?c():n.steps[T],fe=T+1<n.steps.length?(T+1-l.step)*i.every*1e3-f:null;return{p:Math.max(U,l.p),next:fe}}let h=l.ms+f*i.speed,g=l.p,R=c();for(;g<R;){let T=g+R+1>>1;pe(n.t,T)<=h?g=T:R=T-1}let q=g<c()?(pe(n.t,g+1)-h)/i.speed:null;return{p:g,next:q}},p=m=>{s=m,d();let f=o=Promise.race([e.show(m),new Promise(h=>setTimeout(h,Fs))]);f.then(()=>{o===f&&(o=null,a&&b())})},b=()=>{if(u(),!a)return;let{p:m,next:f}=$(performance.now());if(o===null&&m!==s&&p(m),o===null&&m>=c()){a=!1,d();return}f!==null&&(r=setTimeout(b,Math.max(0,f)))},y=m=>n.steps.findIndex(f=>f>m),v={get playing(){return a},get pos(){return s},update(m,f){let h=m||{key:"",t:[],steps:[]};h.key!==n.key&&v.pause(),n=h,!a&&o===null&&Number.isInteger(f)&&(s=f)},play(m={}){if(!c())return;(m.speed||m.every)&&(i={speed:m.speed||1,every:m.every||null}),u();let f=s;f>=c()&&(f=0,p(0)),l={wall:performance.now(),ms:pe(n.t,f),p:f,step:y(f)},a=!0,d(),o===null&&b()},pause(){u(),a&&(a=!1,d())},toggle(m){a?v.pause():v.play(m)},step(m){v.pause();let f=[0,...n.steps],h=s;for(let g=0;g<Math.abs(m);g+=1){let R=m>0?f.find(q=>q>h):f.findLast(q=>q<h);if(R===void 0)break;h=R}h!==s&&p(h)},dispose(){a=!1,u()}};return v}function xn({player:e,state:t,mode:n,setMode:s}){let a=()=>n.speed==="every"?{every:n.every}:{speed:+n.speed},o=l=>(l/1e3).toFixed(1),r=l=>l.preventDefault();return ot`<span class="dl-player" data-playing=${t.playing?"true":"false"} data-pos=${t.pos}>
    <button class="dl-step-back" onMouseDown=${r} title="Back one graph step (←)" aria-label="back one step"
      onClick=${()=>e.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${r} title=${t.playing?"Pause (space)":"Play the run as it happened (space)"}
      aria-label=${t.playing?"pause":"play"} onClick=${()=>e.toggle(a())}>${t.playing?"⏸":"▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${r} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${()=>e.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${n.speed}
      onChange=${l=>{let i={...n,speed:l.currentTarget.value};s(i),e.playing&&e.play(i.speed==="every"?{every:i.every}:{speed:+i.speed})}}>
      ${!qs.includes(n.speed)&&ot`<option value=${n.speed}>${n.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${n.speed==="every"&&ot`<input class="dl-every" type="number" min="0.1" step="0.5" value=${n.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${l=>{let i=Math.max(.1,+l.currentTarget.value||1);s({...n,every:i}),e.playing&&e.play({every:i})}} />`}
    <span class="dl-play-time">${o(t.ms)} / ${o(t.total)} s</span>
  </span>`}function wn(e,t,n){let s=F(null),[a,o]=w({playing:!1,pos:0,ms:0,total:0}),[r,l]=w({speed:"1",every:2}),i=F(null);i.current===null&&(i.current=zs({show:u=>new Promise($=>{s.current&&s.current.resolve(),s.current={p:u,resolve:$},e.send({type:"seek",step:u})})},o));let c=i.current,d=t?t.value:null;return Y(()=>c.update(t?n:null,d),[t,n]),L(()=>{let u=s.current;u&&u.p===d&&(s.current=null,u.resolve())},[d]),L(()=>{t||c.pause()},[!!t]),L(()=>{let u=$=>{if(!(!$||$.type!=="player"))if($.do==="play"){let p=typeof $.every=="number"?$.every:null,b=typeof $.speed=="number"?$.speed:1;l(p?{speed:"every",every:p}:y=>({...y,speed:String(b)})),c.play(p?{every:p}:{speed:b})}else $.do==="pause"?c.pause():$.do==="step"&&c.step($.by||1)};return e.on("msg:custom",u),()=>{e.off("msg:custom",u),c.dispose()}},[e]),{player:c,state:a,mode:r,setMode:l}}function Sn(e,t,n){if(n.defaultPrevented||n.altKey||n.ctrlKey||n.metaKey)return;let s=n.target;if(s&&s.closest&&s.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)"))return;let a=t.speed==="every"?{every:t.every}:{speed:+t.speed};if(n.key===" ")e.toggle(a);else if(n.key==="ArrowLeft")e.step(-1);else if(n.key==="ArrowRight")e.step(1);else return;n.preventDefault()}var _=P.bind(M),Us=new Set(["finished","failed","cancelled"]);function z(e,t){let[n,s]=w(()=>e.get(t));return L(()=>{let a=()=>s(e.get(t));return e.on(`change:${t}`,a),a(),()=>e.off(`change:${t}`,a)},[e,t]),n}var Hs=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function Ws({debug:e,joins:t,sends:n}){return _`<div class="dl-legend" aria-label="legend">
    ${nt.map(s=>_`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${t&&_`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&_`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${e&&Hs.map(([s,a])=>_`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function Gs({svg:e,stalled:t}){if(!e)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(e)}`;return _`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${t&&_`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var ct=new WeakMap,Ks=40,Vs=600;function Js(e){let t=[],n=()=>{let s=(e.get("_picture")||{}).status;if(!s)return;let a=t[t.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(t.push(s),t.length>Ks&&t.splice(1,1))};n(),e.on("change:_picture",n),ct.set(e,{seen:t,stop:()=>e.off("change:_picture",n)})}function Xs(e){let t=ct.get(e);return t?(t.stop(),ct.delete(e),t.seen.length>1?t.seen:[]):[]}async function Ys(e,t,n,s){if(!t.length)return;let a=Vs/t.length;for(let o of t){if(!s())return;e.apply({...n.current,status:o}),await new Promise(r=>setTimeout(r,a))}}function rt(e,t){dn(e,t.calls),bn(e,t.progress),mn(e,t.sends)}function le({model:e,layout:t,picture:n,debug:s,legend:a}){let o=F(null),r=F(null),l=F(n),i=F(n.run_state),[c,d]=w(""),[u,$]=w(!1),[p,b]=w(!1),y=z(e,"_still")||"";l.current=n;let v=F(s);v.current=s,L(()=>{let h=setTimeout(()=>b(Nt()),et);return()=>clearTimeout(h)},[]),L(()=>{let h=!0;if(r.current=null,!!t.dot)return(async()=>{try{let g=await tt(e),R=getComputedStyle(o.current).fontFamily,q=await Jt(g,t.dot,R);if(!h)return;let T=new Oe(q,t),U=Xs(e);if(T.apply(U.length?{...l.current,status:U[0]}:l.current),v.current&&(hn(T,G),Ne(T,l.current,v.current.breakpoints,v.current.enabled)),o.current.replaceChildren(q),rt(T,l.current),$(!0),d(""),await Ys(T,U,l,()=>h),!h)return;T.apply(l.current),v.current&&Ne(T,l.current,v.current.breakpoints,v.current.enabled),rt(T,l.current),r.current=T,requestAnimationFrame(()=>Ae(e,q))}catch(g){h&&d(`Could not lay out the graph: ${g&&g.message?g.message:g}`)}})(),()=>{h=!1}},[t.dot]),L(()=>{let h=r.current;if(!h)return;h.apply(n),rt(h,n);let g=n.run_state;g!==i.current&&Us.has(g)&&requestAnimationFrame(()=>Ae(e,h.svg)),i.current=g},[n]),L(()=>{r.current&&s&&Ne(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let m=h=>{let g=s&&s.enabled?_n(h,o.current):null;if(g){if(h.type==="keydown"&&h.key!=="Enter"&&h.key!==" ")return;h.preventDefault(),e.send({type:"breakpoint",node:g.node,when:g.when});return}let R=h.target.closest?.("g.node[data-node]");if(!R||!o.current.contains(R)||h.type==="keydown"&&h.key!=="Enter"&&h.key!==" ")return;h.preventDefault();let q=R.getAttribute("data-node");e.send({type:"select",node:n.selected===q?"":q})},f=n.run_state||"idle";return _`<div class="dspyer-graphview" data-run-state=${f}>
    <div class="dl-caption">${f==="idle"?"":f}</div>
    ${!u&&_`<${Gs} svg=${y} stalled=${p} />`}
    <div class="dl-stage" ref=${o} onClick=${m} onKeyDown=${m}></div>
    ${c&&_`<pre class="dl-error">${c}</pre>`}
    ${a||_`<${Ws} debug=${!!s} joins=${Object.keys(t.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function Qs({model:e}){let t=z(e,"_layout")||{},n=z(e,"_picture")||{};return _`<${le} model=${e} layout=${t} picture=${n} />`}function Zs(e){let[t,n]=w({});return L(()=>{let a=o=>{!o||o.type!=="full-text"||typeof o.handle!="string"||n(r=>({...r,[o.handle]:String(o.text??"")}))};return e.on("msg:custom",a),()=>e.off("msg:custom",a)},[e]),{texts:t,ask:a=>{Object.hasOwn(t,a)||e.send({type:"full-text",handle:a})}}}function Ie({cell:e,full:t}){if(typeof e=="string"||e===null||e===void 0)return String(e??"");let n=t.texts[e.full];return n!==void 0?n:_`<span class="dl-clipped">${e.text}<button class="dl-more" title="show the full value"
    onClick=${()=>t.ask(e.full)}>show all</button></span>`}function ea({block:e,full:t}){let[n,s]=w(!1);L(()=>{n&&t.ask(e.full)},[n,e.full]);let a=t.texts[e.full];return _`<details class="dl-fold" open=${n} onToggle=${o=>s(o.currentTarget.open)}>
    <summary>${e.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function ta({table:e,full:t}){let n=new Set(e.changed||[]);return _`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${e.head.map(s=>_`<th>${s}</th>`)}</tr></thead>
    <tbody>${e.rows.map((s,a)=>_`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((o,r)=>r===0?_`<th scope="row">${o}</th>`:_`<td><${Ie} cell=${o} full=${t} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Re({blocks:e,full:t,onSelect:n}){return(e||[]).map(s=>s.facts?_`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?_`<div class="dl-title">${s.title}</div>`:s.note!==void 0?_`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?_`<pre class="dl-pre"><${Ie} cell=${s.pre} full=${t} /></pre>`:s.table?_`<${ta} table=${s.table} full=${t} />`:s.fold!==void 0?_`<${ea} block=${s} full=${t} />`:s.message?_`<${ln} message=${s.message} full=${t} Cell=${Ie} />`:s.stream?_`<${on} stream=${s.stream} />`:s.instances&&n?_`<${gn} rows=${s.instances} onSelect=${n} />`:null)}function it({label:e,picker:t,onPick:n}){if(!t)return null;let s=t.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(t.value));return _`<label class="dl-pick">${e}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(t.options[+a.currentTarget.value].value)}>
      ${s<0&&_`<option value="-1">—</option>`}
      ${t.options.map((a,o)=>_`<option value=${String(o)}>${a.label}</option>`)}
    </select></label>`}function na({model:e,toolbar:t,play:n,presenter:s}){let a=t||{},o=a.stop||{},r=a.replay,l=!o.enabled&&a.run_state==="running"&&o.hint,i=z(e,"_store_note")||"",c=n.state.playing;return _`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${o.shown&&_`<button class="dl-stop" disabled=${!o.enabled} title=${o.hint||""}
        onClick=${()=>e.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[a.status,i].filter(Boolean).join(`
`)}
        data-stored=${i||void 0}>${a.status||""}</span>
      ${l&&_`<span class="dl-stop-hint" title=${o.hint}>${o.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${s?"true":"false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${()=>e.send({type:"presenter-mode",on:!s})}>${s?"✕ Presenter":"Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${rn} text=${a.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${r&&_`<${xn} player=${n.player} state=${n.state} mode=${n.mode}
          setMode=${n.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${r.max} value=${c?n.state.pos:r.value}
          onInput=${d=>{n.player.pause(),e.send({type:"seek",step:+d.currentTarget.value})}} /></label>
        <span class="dl-replay-note" title=${r.note||""}>${r.note}</span>`}
    </div>
  </div>`}function sa({info:e}){return _`<div class="dl-essentials" data-node=${e.node||void 0} data-status=${e.status||void 0}>
    ${e.node?_`<div class="dl-ess-head"><span class="dl-ess-node">${e.node}</span>
      <span class="dl-ess-facts">${e.facts}</span></div>`:_`<div class="dl-ess-note">${e.note}</div>`}
    ${e.read&&e.read.length>0&&_`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${e.read.map(([t,n])=>_`<div class="dl-ess-field"><span class="dl-ess-key">${t}</span>${" "}<span
        class="dl-ess-value">${n}</span></div>`)}</section>`}
    ${e.said&&_`<section class="dl-ess-said"><div class="dl-ess-title">${e.said.title}</div>
      <pre class="dl-ess-text">${e.said.text}</pre></section>`}
    ${e.rejected&&e.rejected.length>0&&_`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${e.rejected.map(t=>_`<div class="dl-ess-reject"><b>${t.attempt}</b> · ${t.fields} · ${t.retry}
        <pre class="dl-ess-text">${t.text}</pre></div>`)}</section>`}
  </div>`}function aa({model:e,timeline:t}){if(!t||!t.rows)return null;let n=a=>e.send({type:"page",offset:a}),s=t.rows.length||1;return _`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!t.older} onClick=${()=>n(t.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!t.newer} onClick=${()=>n(Math.max(0,t.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!t.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${t.position}>${t.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${t.rows.map(a=>_`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>e.send({type:"select",event:a.i})}
        onKeyDown=${o=>o.key==="Enter"&&e.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var la=["node","calls","validation","result","error","waterfall"];function Le(e){return e?JSON.parse(e):{}}function oa(e){return e&&typeof e.id=="string"?{[e.id]:e}:{}}function ra(e){let t=e.get("_head")!==void 0,n=z(e,t?"_head":"_panel"),s=z(e,t?"_timeline":"_panel"),a=z(e,t?"_tab":"_panel"),o=A(()=>t?null:Le(n),[t,n]),r=A(()=>o?o.head||{}:Le(n),[o,n]),l=A(()=>o?o.timeline:Le(s),[o,s]),i=A(()=>oa(o?o.tab:Le(a)),[o,a]),c=F({});return c.current={...c.current,...i},{head:r,timeline:l,bodies:c.current}}var dt=new WeakMap;function ia({model:e,head:t,bodies:n,full:s}){let a=t.focus||{},[o,r]=w(()=>{let d=dt.get(e);return d&&d.n===a.n?d.tab:a.tab||"node"}),l=(d,u)=>{dt.set(e,{tab:d,n:a.n}),r(d),u&&e.send({type:"tab",tab:d})};Y(()=>{let d=dt.get(e);d&&d.n===a.n||l(a.tab||o,!1)},[a.n]);let i=n[o],c=(d,u)=>u?d==="node"?_`<${it} label="visit" picker=${u.visits}
        onPick=${$=>e.send({type:"select",visit:$})} />
      <${Re} blocks=${u.blocks} full=${s} onSelect=${$=>e.send({type:"select",visit:$})} />`:d==="calls"?_`<div class="dl-scope">${u.scope}</div>
      <${it} label="call" picker=${u.calls} onPick=${$=>e.send({type:"call",index:$})} />
      <${cn} model=${e} pg=${t.debug&&t.debug.playground} Cell=${Ie} full=${s} />
      <${Re} blocks=${u.blocks} full=${s} />`:d==="validation"?_`<div class="dl-scope">${u.scope}</div>
      <${it} label="attempt" picker=${u.attempts}
        onPick=${$=>e.send({type:"attempt",key:$})} />
      <${Re} blocks=${u.blocks} full=${s} />`:d==="waterfall"?_`<${kn} model=${e} body=${u} />`:_`<${Re} blocks=${u.blocks} full=${s} />`:_`<div class="dl-note">loading…</div>`;return _`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(t.tabs||[]).map(d=>_`<button class="dl-tab" role="tab" data-tab=${d.id}
        data-alert=${d.alert?"true":void 0} aria-selected=${d.id===o?"true":"false"}
        onClick=${()=>l(d.id,!0)}>${d.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${o}>${la.includes(o)?c(o,i):null}</div>
  </div>`}function $e({model:e}){let t=z(e,"_layout")||{},n=z(e,"_picture")||{},{head:s,timeline:a,bodies:o}=ra(e),r=Zs(e),l=z(e,"breakpoints"),i=A(()=>({breakpoints:l,enabled:!!(s.debug&&s.debug.can_break)}),[l,s.debug&&s.debug.can_break]),c=s.toolbar&&s.toolbar.run_state||n.run_state||"idle",d=z(e,"_play"),u=A(()=>s.play||(d?JSON.parse(d):null),[s.play,d]),$=wn(e,s.toolbar&&s.toolbar.replay,u),p=s.presenter;return _`<div class="dspyer-lab" data-run-state=${c} data-presenter=${p?"true":void 0}
      data-playing=${$.state.playing?"true":void 0} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${b=>s.toolbar&&s.toolbar.replay&&Sn($.player,$.mode,b)}>
    <${na} model=${e} toolbar=${s.toolbar} play=${$} presenter=${!!p} />
    <${pn} model=${e} debug=${s.debug} breakpoints=${l} />
    <div class="dl-body">
      <div class="dl-main">
        <${le} model=${e} layout=${t} picture=${n} debug=${i} />
        <${aa} model=${e} timeline=${a} />
      </div>
      ${p&&_`<${sa} info=${p} />`}
      <${ia} model=${e} head=${s} bodies=${o} full=${r} />
    </div>
  </div>`}function da({model:e}){tt(e).catch(()=>{}),Js(e)}function ca({model:e}){return _`<${qt} model=${e} views=${{GraphPane:le,Lab:$e}} useTrait=${z} />`}function ua({model:e}){return _`<${nn} model=${e} views=${{GraphPane:le,Lab:$e}} useTrait=${z} />`}function pa({model:e}){return _`<${Wt} model=${e} views=${{GraphPane:le,Lab:$e}} useTrait=${z} />`}function $a({model:e}){return _`<${Yt} model=${e} views=${{GraphPane:le,Lab:$e}} useTrait=${z} />`}function fa({model:e,el:t}){let n={lab:$e,batch:ca,runs:ua,compare:pa,optimize:$a}[e.get("_kind")]||Qs;return Ve(_`<${n} model=${e} />`,t),()=>Ve(null,t)}var Rl={initialize:da,render:fa};export{Rl as default};
